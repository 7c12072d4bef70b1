package com.heartbeatrm.installer;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.agent.TokenDelivery;
import com.heartbeatrm.agent.TokenDeliveryException;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import com.heartbeatrm.installer.InstallerException.Reason;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * "Find my enrollment token": the one place an agent asks. First its own installer file (the token the packer
 * embedded, {@link InstallerReader}); when that file carries none (a generic installer, e.g. an RPM or a vendor's
 * own MSI), the token delivered beside it ({@link TokenDelivery}): a token file or standard input when the agent was
 * told to read one, else the environment variable {@value TokenDelivery#ENVIRONMENT_VARIABLE}, else the platform's
 * managed channel: macOS managed preferences (an MDM configuration profile) or the Windows policy key (Group Policy,
 * Intune). Whatever the source,
 * the token is verified the same way, against the agent's pinned issuer keys, before anything else sees it.
 *
 * <p>An installer that carries a token which is damaged or ambiguous is refused, never skipped: a tampered installer
 * must not fall through to some other token. A token file that is not the agent's own is refused, never skipped.
 * Call {@link Found#consume()} after a successful enrollment: it deletes a delivered token file. Thread-safe once
 * built; each {@link #find()} reads again (standard input can be read once).
 */
public final class EnrollmentTokenFinder {
    /** Where a token was found. */
    public enum Source {
        /** Embedded in the agent's own installer file. */
        INSTALLER,
        /** A token file beside the installer. */
        TOKEN_FILE,
        /** Standard input. */
        STANDARD_INPUT,
        /** The environment variable {@value TokenDelivery#ENVIRONMENT_VARIABLE}. */
        ENVIRONMENT,
        /** macOS managed preferences for {@value TokenDelivery#PREFERENCE_DOMAIN}, set by an MDM configuration profile. */
        MANAGED_PREFERENCES,
        /** The Windows policy key set by Group Policy or Intune ({@link TokenDelivery#POLICY_KEY}). */
        POLICY_REGISTRY
    }

    private final EnrollmentTokenVerifier verifier;
    private final @Nullable Path installer;
    private final @Nullable Path tokenFile;
    private final @Nullable InputStream standardInput;
    private final Map<String, String> environment;
    private final @Nullable Path managedPreferences;
    private final TokenDelivery.@Nullable RegistryQuery policyRegistry;

    private EnrollmentTokenFinder(Builder b) {
        this.managedPreferences = b.managedPreferences;
        this.policyRegistry = b.policyRegistry;
        this.verifier = b.verifier;
        this.installer = b.installer;
        this.tokenFile = b.tokenFile;
        this.standardInput = b.standardInput;
        this.environment = b.environment;
    }

    /**
     * A builder with no source configured but the environment (empty until {@link Builder#environment} is given).
     *
     * @param verifier the verifier with the agent's pinned issuer keys; every token found goes through it
     * @return a builder
     */
    public static Builder builder(EnrollmentTokenVerifier verifier) {
        return new Builder(Objects.requireNonNull(verifier, "verifier"));
    }

    /**
     * The verified token and where it came from; empty when no source holds one (an untagged installer, and no token
     * file, nothing on the environment): an agent enrolled earlier then simply renews.
     *
     * @return the first source's token, verified, with the source; empty when none holds one
     * @throws InstallerException      the agent's own installer carries a damaged, ambiguous or unreadable token
     * @throws TokenDeliveryException  a delivered token was refused before verification (an unsafe file, not a token)
     * @throws TokenException          the token does not verify (signature, purpose, expiry)
     */
    public Optional<Found> find() throws InstallerException, TokenDeliveryException, TokenException {
        if (installer != null && Files.isRegularFile(installer, LinkOption.NOFOLLOW_LINKS)) {
            try {
                EnrollmentToken embedded = InstallerReader.read(installer).token();
                return Optional.of(new Found(verifier.verify(embedded), Source.INSTALLER, null));
            } catch (InstallerException e) {
                if (e.reason() != Reason.NO_TAG) {
                    throw e;
                }
            }
        }
        if (tokenFile != null) {
            Optional<EnrollmentToken> t = TokenDelivery.readFile(tokenFile);
            if (t.isPresent()) {
                return Optional.of(new Found(verifier.verify(t.get()), Source.TOKEN_FILE, tokenFile));
            }
        }
        if (standardInput != null) {
            return Optional.of(new Found(verifier.verify(TokenDelivery.readStream(standardInput)), Source.STANDARD_INPUT, null));
        }
        Optional<EnrollmentToken> env = TokenDelivery.fromEnvironment(environment);
        if (env.isPresent()) {
            return Optional.of(new Found(verifier.verify(env.get()), Source.ENVIRONMENT, null));
        }
        if (managedPreferences != null) {
            Optional<EnrollmentToken> t = TokenDelivery.fromManagedPreferences(managedPreferences);
            if (t.isPresent()) {
                return Optional.of(new Found(verifier.verify(t.get()), Source.MANAGED_PREFERENCES, null));
            }
        }
        if (policyRegistry != null) {
            Optional<EnrollmentToken> t = TokenDelivery.fromPolicyRegistry(policyRegistry.query());
            if (t.isPresent()) {
                return Optional.of(new Found(verifier.verify(t.get()), Source.POLICY_REGISTRY, null));
            }
        }
        return Optional.empty();
    }

    /** A verified token and its source. */
    public static final class Found {
        private final VerifiedEnrollmentToken token;
        private final Source source;
        private final @Nullable Path file;

        private Found(VerifiedEnrollmentToken token, Source source, @Nullable Path file) {
            this.token = token;
            this.source = source;
            this.file = file;
        }

        /** {@return the verified token} */
        public VerifiedEnrollmentToken token() {
            return token;
        }

        /** {@return where the token was found} */
        public Source source() {
            return source;
        }

        /** {@return the delivered token file, for {@link Source#TOKEN_FILE}} */
        public Optional<Path> file() {
            return Optional.ofNullable(file);
        }

        /**
         * Call after a successful enrollment (never before: a failed one must be able to try again): deletes a
         * delivered token file, whose bearer secret must not outlive its use. Nothing to do for the other sources.
         *
         * @throws TokenDeliveryException the token file could not be deleted
         */
        public void consume() throws TokenDeliveryException {
            if (file != null) {
                TokenDelivery.deleteFile(file);
            }
        }

        @Override
        public String toString() {
            return "Found[" + source + (file != null ? " " + file : "") + ", " + token + "]";
        }
    }

    /** Configures the sources a finder looks at, in the fixed order of {@link EnrollmentTokenFinder}. Not thread-safe. */
    public static final class Builder {
        private final EnrollmentTokenVerifier verifier;
        private @Nullable Path installer;
        private @Nullable Path tokenFile;
        private @Nullable InputStream standardInput;
        private Map<String, String> environment = Map.of();
        private @Nullable Path managedPreferences;
        private TokenDelivery.@Nullable RegistryQuery policyRegistry;

        private Builder(EnrollmentTokenVerifier verifier) {
            this.verifier = verifier;
        }

        /**
         * macOS managed preferences to read ({@link TokenDelivery#MANAGED_PREFERENCES} on a Mac; another file in tests).
         *
         * @param plist the property list file, XML or binary
         * @return this builder
         */
        public Builder managedPreferences(Path plist) {
            this.managedPreferences = Objects.requireNonNull(plist, "managedPreferences");
            return this;
        }

        /**
         * The Windows policy key's listing ({@link TokenDelivery#queryPolicyRegistry} on Windows; captured text in tests).
         *
         * @param query what lists the policy key
         * @return this builder
         */
        public Builder policyRegistry(TokenDelivery.RegistryQuery query) {
            this.policyRegistry = Objects.requireNonNull(query, "policyRegistry");
            return this;
        }

        /**
         * The platform's managed channel for {@code osName} ({@code os.name}): managed preferences on macOS, the policy
         * registry on Windows, nothing elsewhere.
         *
         * @param osName the {@code os.name} system property
         * @return this builder
         */
        public Builder platformChannels(String osName) {
            String os = Objects.requireNonNull(osName, "osName").toLowerCase(java.util.Locale.ROOT);
            if (os.startsWith("mac")) {
                managedPreferences(TokenDelivery.MANAGED_PREFERENCES);
            } else if (os.startsWith("windows")) {
                policyRegistry(TokenDelivery::queryPolicyRegistry);
            }
            return this;
        }

        /**
         * The agent's own installer file, looked at first (a path that is not a regular file, e.g. a class directory, is skipped).
         *
         * @param file the installer the agent runs from
         * @return this builder
         */
        public Builder installer(Path file) {
            this.installer = Objects.requireNonNull(file, "installer");
            return this;
        }

        /**
         * A token file to read when the installer carries no token (a missing file is no token).
         *
         * @param file the token file; replaces a standard input given before
         * @return this builder
         */
        public Builder tokenFile(Path file) {
            this.tokenFile = Objects.requireNonNull(file, "tokenFile");
            this.standardInput = null;
            return this;
        }

        /**
         * Read the token from this stream (standard input) when the installer carries none.
         *
         * @param in the stream, read once; replaces a token file given before
         * @return this builder
         */
        public Builder standardInput(InputStream in) {
            this.standardInput = Objects.requireNonNull(in, "standardInput");
            this.tokenFile = null;
            return this;
        }

        /**
         * The process environment ({@code System.getenv()}), for {@value TokenDelivery#ENVIRONMENT_VARIABLE}; none by default.
         *
         * @param env the variables, copied
         * @return this builder
         */
        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(Objects.requireNonNull(env, "environment"));
            return this;
        }

        /** {@return a finder with these sources; thread-safe, and later changes to this builder do not reach it} */
        public EnrollmentTokenFinder build() {
            return new EnrollmentTokenFinder(this);
        }
    }
}
