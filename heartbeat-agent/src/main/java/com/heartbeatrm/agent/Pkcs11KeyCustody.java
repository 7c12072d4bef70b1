package com.heartbeatrm.agent;

import com.heartbeatrm.agent.KeyCustodyException.Kind;
import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import java.util.regex.Pattern;

/**
 * Agent keys on a PKCS#11 token through the JDK's SunPKCS11 provider (see {@link AgentKeyCustody#pkcs11}).
 *
 * <p>The provider is configured from the user's SunPKCS11 configuration with generation attributes appended, so
 * the private key is generated on the token as {@code CKA_SENSITIVE} and not {@code CKA_EXTRACTABLE}. SunPKCS11's
 * key store keeps a private key only beside a certificate, so the key is stored under a fresh random label
 * ({@code heartbeat-agent-} and 32 hex digits) with a self-signed placeholder certificate that carries its public
 * key; the label is the key's {@link CustodyKey#reference()}. A token that has no key with that label, or one with
 * another public key, is not this agent's token: {@link KeyCustodyException.Kind#NOT_FOUND}. Only ECDSA P-256:
 * SunPKCS11 has no EdDSA.
 */
final class Pkcs11KeyCustody extends NamedKeyCustody {
    static final String NAME = "pkcs11";
    private static final int MAX_CONFIGURATION = 16 * 1024;
    private static final int MAX_PIN_FILE = 256;
    private static final Pattern LABEL = Pattern.compile("heartbeat-agent-[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String GENERATE_ATTRIBUTES = """

            attributes(generate, CKO_PRIVATE_KEY, CKK_EC) = {
              CKA_SENSITIVE = true
              CKA_EXTRACTABLE = false
            }
            """;

    private final Path configuration;
    private final Path pinFile;
    // Set on the first login (logIn), then kept: a custody logs in once per process.
    private @Nullable Provider provider;
    private @Nullable KeyStore keyStore;

    Pkcs11KeyCustody(Path configuration, Path pinFile, AgentKeyAlgorithm algorithm) {
        super(NAME, algorithm);
        this.configuration = Objects.requireNonNull(configuration, "configuration").toAbsolutePath();
        this.pinFile = Objects.requireNonNull(pinFile, "pinFile").toAbsolutePath();
    }

    @Override
    public synchronized CustodyKey generate() throws KeyCustodyException {
        if (algorithm() != AgentKeyAlgorithm.ECDSA_P256) {
            throw new KeyCustodyException(Kind.UNSUPPORTED, "the PKCS#11 custody holds ECDSA P-256 keys only (SunPKCS11 has no EdDSA)");
        }
        KeyStore ks = keyStore();
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String label = "heartbeat-agent-" + HexFormat.of().formatHex(id);
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", loggedIn());
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair kp = g.generateKeyPair();
            byte[] publicKey = AgentKeyAlgorithm.sec1Of(kp.getPublic());
            ks.setKeyEntry(label, kp.getPrivate(), null, new Certificate[] {placeholderCertificate(kp)});
            return open(AgentKeyAlgorithm.ECDSA_P256, publicKey, label.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KeyCustodyException(Kind.UNAVAILABLE, "the token could not generate and store a P-256 key: " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public synchronized CustodyKey open(AgentKeyAlgorithm keyAlgorithm, byte[] publicKey, byte[] reference) throws KeyCustodyException {
        String label = new String(reference, StandardCharsets.US_ASCII);
        if (keyAlgorithm != AgentKeyAlgorithm.ECDSA_P256 || !LABEL.matcher(label).matches() || !keyAlgorithm.isValidPublicKey(publicKey)) {
            throw new KeyCustodyException(Kind.NOT_FOUND, "the recorded key is not a PKCS#11 agent key");
        }
        KeyStore ks = keyStore();
        try {
            Key key = ks.getKey(label, null);
            Certificate cert = ks.getCertificate(label);
            if (!(key instanceof PrivateKey pk) || cert == null
                    || !MessageDigest.isEqual(AgentKeyAlgorithm.sec1Of(cert.getPublicKey()), publicKey)) {
                throw new KeyCustodyException(Kind.NOT_FOUND, "the token holds no agent key " + label
                        + ": the state directory belongs to another token or computer");
            }
            return new Pkcs11Key(loggedIn(), pk, publicKey, label);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KeyCustodyException(Kind.UNAVAILABLE, "the token could not be searched: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Deletes the key's entry (the private key and its placeholder certificate) from the token, after checking that
     * the entry under that label carries the key's public key; a label the token does not hold is not an error.
     */
    @Override
    public synchronized void destroy(CustodyKey key) throws KeyCustodyException {
        Objects.requireNonNull(key, "key");
        String label = new String(key.reference(), StandardCharsets.US_ASCII);
        if (!key.custody().equals(NAME) || !LABEL.matcher(label).matches()) {
            return;
        }
        KeyStore ks = keyStore();
        try {
            Certificate cert = ks.getCertificate(label);
            if (cert != null && MessageDigest.isEqual(AgentKeyAlgorithm.sec1Of(cert.getPublicKey()), key.publicKey())) {
                ks.deleteEntry(label);
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KeyCustodyException(Kind.UNAVAILABLE, "the token could not delete the agent key " + label + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    /** The provider {@link #keyStore()} logged in with; only called after it. */
    private Provider loggedIn() {
        return Objects.requireNonNull(provider, "the token is not logged in yet");
    }

    /** The token's key store, logged in with the PIN from the PIN file; configured on first use. */
    private KeyStore keyStore() throws KeyCustodyException {
        if (keyStore != null) {
            return keyStore;
        }
        String config = readBounded(configuration, MAX_CONFIGURATION, "SunPKCS11 configuration");
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new KeyCustodyException(Kind.UNAVAILABLE, "this Java runtime has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
        }
        Provider p;
        try {
            p = base.configure("--" + config + GENERATE_ATTRIBUTES);
        } catch (RuntimeException e) {
            throw new KeyCustodyException(Kind.UNAVAILABLE, "SunPKCS11 refused the configuration " + configuration + " or its token: "
                    + e.getClass().getSimpleName(), e);
        }
        char[] pin = pin();
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", p);
            ks.load(null, pin);
            provider = p;
            keyStore = ks;
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new KeyCustodyException(Kind.UNAVAILABLE, "cannot log in to the token of " + configuration
                    + " (wrong PIN, or no token)", e.getCause() instanceof javax.security.auth.login.LoginException ? null : e);
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    /** The PIN: the PIN file's first line, its line end dropped; the file is owner-only. */
    private char[] pin() throws KeyCustodyException {
        try {
            OwnerOnly.checkFileIfPresent(pinFile);
        } catch (IOException | UnsafeStateException e) {
            throw new KeyCustodyException(Kind.UNAVAILABLE, "the PIN file is not the agent's own: " + e.getMessage());
        }
        byte[] bytes = readBytes(pinFile, MAX_PIN_FILE, "PIN file");
        try {
            int end = 0;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, 0, end));
            char[] pin = new char[chars.remaining()];
            chars.get(pin);
            Arrays.fill(chars.array(), '\0');
            if (pin.length == 0) {
                throw new KeyCustodyException(Kind.UNAVAILABLE, "the PIN file " + pinFile + " is empty");
            }
            return pin;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static String readBounded(Path file, int max, String what) throws KeyCustodyException {
        return new String(readBytes(file, max, what), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(Path file, int max, String what) throws KeyCustodyException {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > max) {
                throw new KeyCustodyException(Kind.UNAVAILABLE, "the " + what + " " + file + " is not a regular file of at most " + max + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KeyCustodyException(Kind.UNAVAILABLE, "cannot read the " + what + " " + file, e);
        }
    }

    /**
     * A self-signed X.509 v1 certificate for the key, made only because SunPKCS11's key store keeps a private key
     * beside a certificate: subject and issuer {@code CN=heartbeat-agent}, one day at 2000-01-01, serial 1.
     */
    private Certificate placeholderCertificate(KeyPair kp) throws GeneralSecurityException {
        byte[] name = Der.seq(Der.set(Der.seq(Der.oid(new byte[] {0x55, 0x04, 0x03}), Der.tlv(0x0c, "heartbeat-agent".getBytes(StandardCharsets.US_ASCII)))));
        byte[] ecdsaSha256 = Der.seq(Der.oid(new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02}));
        byte[] validity = Der.seq(Der.tlv(0x17, "000101000000Z".getBytes(StandardCharsets.US_ASCII)),
                Der.tlv(0x17, "000102000000Z".getBytes(StandardCharsets.US_ASCII)));
        byte[] tbs = Der.seq(Der.tlv(0x02, BigInteger.ONE.toByteArray()), ecdsaSha256, name, validity, name, kp.getPublic().getEncoded());
        Signature s = Signature.getInstance("SHA256withECDSA", loggedIn());
        s.initSign(kp.getPrivate());
        s.update(tbs);
        byte[] sig = s.sign();
        byte[] bitString = new byte[sig.length + 1];
        System.arraycopy(sig, 0, bitString, 1, sig.length);
        byte[] cert = Der.seq(tbs, ecdsaSha256, Der.tlv(0x03, bitString));
        return CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(cert));
    }

    /** Just enough DER to write the placeholder certificate. */
    private static final class Der {
        static byte[] tlv(int tag, byte[] value) {
            int n = value.length;
            byte[] len = n < 0x80 ? new byte[] {(byte) n} : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                    : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
            byte[] out = new byte[1 + len.length + n];
            out[0] = (byte) tag;
            System.arraycopy(len, 0, out, 1, len.length);
            System.arraycopy(value, 0, out, 1 + len.length, n);
            return out;
        }

        static byte[] seq(byte[]... parts) {
            return tlv(0x30, concat(parts));
        }

        static byte[] set(byte[]... parts) {
            return tlv(0x31, concat(parts));
        }

        static byte[] oid(byte[] body) {
            return tlv(0x06, body);
        }

        private static byte[] concat(byte[]... parts) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (byte[] p : parts) {
                out.writeBytes(p);
            }
            return out.toByteArray();
        }
    }

    /** A key on the token: signs there (DER), never leaves it; found again by its label. */
    private static final class Pkcs11Key extends DeviceP256Key {
        private final Provider provider;
        private final PrivateKey key;

        Pkcs11Key(Provider provider, PrivateKey key, byte[] publicKey, String label) {
            super(NAME, publicKey, label.getBytes(StandardCharsets.US_ASCII));
            this.provider = provider;
            this.key = key;
        }

        @Override
        protected byte[] signInDevice(byte[] message) throws KeyCustodyException {
            try {
                Signature s = Signature.getInstance("SHA256withECDSA", provider);
                s.initSign(key);
                s.update(message);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new KeyCustodyException(Kind.UNAVAILABLE, "the token could not sign: " + e.getClass().getSimpleName(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "AgentKeyCustody[pkcs11, " + configuration + ", " + algorithm().wireName() + "]";
    }
}
