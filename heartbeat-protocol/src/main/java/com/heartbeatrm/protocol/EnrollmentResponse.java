package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.internal.Rfc3339;
import com.heartbeatrm.protocol.StrictJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an enrollment server answers, on both endpoints: {@link Enrolled} or {@link Pending} to an enrollment,
 * {@link Renewed} or {@link Pending} to a renewal, {@link Denied} to either. Each outcome has its HTTP status
 * ({@link #httpStatus()}), and {@link #toJson()} and {@link #parse} are exact inverses: the parser refuses unknown,
 * repeated, missing or mistyped members, a status line that disagrees with the body, control characters in texts,
 * and anything over {@link EnrollmentProtocol#MAX_BODY_BYTES}.
 */
public sealed interface EnrollmentResponse permits EnrollmentResponse.Credentialed, EnrollmentResponse.Pending, EnrollmentResponse.Denied {
    /** The longest message or organization name a response carries, in characters. */
    int MAX_TEXT = 200;
    /** The longest group path a response carries; a server abbreviates a longer one from the left with "…". */
    int MAX_GROUP_PATH = 4096;

    /**
     * The HTTP status that carries this answer.
     *
     * @return the status, e.g. 200, 202 or the denial code's
     */
    int httpStatus();

    /**
     * The body's {@code status} member: {@code enrolled}, {@code renewed}, {@code pending} or {@code denied}.
     *
     * @return the status member
     */
    String status();

    /**
     * The body, UTF-8 JSON.
     *
     * @return the body
     */
    byte[] toJson();

    /** Where the agent landed, as the server names it: ids, and the organization's name and the group's path. */
    record Placement(String agentId, String organizationId, String organizationName, String groupPath) {
        private static final Pattern AGT = Pattern.compile("agt_[A-Za-z0-9_-]{21}[AQgw]");
        private static final Pattern ORG = Pattern.compile("org_[A-Za-z0-9_-]{21}[AQgw]");

        /**
         * Refuses a malformed id or text with {@code IllegalArgumentException} naming the member.
         *
         * @param agentId          the agent's id ({@code agt_...})
         * @param organizationId   its organization's id ({@code org_...})
         * @param organizationName the organization's name, printable, at most {@link #MAX_TEXT} characters
         * @param groupPath        the group's path, printable, at most {@link #MAX_GROUP_PATH} characters
         */
        public Placement {
            if (agentId == null || !AGT.matcher(agentId).matches()) {
                throw new IllegalArgumentException("agentId: missing or malformed");
            }
            if (organizationId == null || !ORG.matcher(organizationId).matches()) {
                throw new IllegalArgumentException("organizationId: missing or malformed");
            }
            checkText("organization", organizationName, MAX_TEXT);
            checkText("group", groupPath, MAX_GROUP_PATH);
        }
    }

    /** A credential handed out: on enrollment ({@link Enrolled}) or renewal ({@link Renewed}). Holds a secret. */
    abstract sealed class Credentialed implements EnrollmentResponse permits Enrolled, Renewed {
        private final String status;
        private final Placement placement;
        private final AgentCredential credential;
        private final Instant expiresAt;
        private final long generation;
        private final List<KeyEndorsement> endorsements;
        private final List<String> tlsPins;

        Credentialed(String status, Placement placement, AgentCredential credential, Instant expiresAt, long generation,
                List<KeyEndorsement> endorsements, List<String> tlsPins) {
            this.status = status;
            this.placement = Objects.requireNonNull(placement, "placement");
            this.credential = Objects.requireNonNull(credential, "credential");
            this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
            if (generation < 1) {
                throw new IllegalArgumentException("generation: must be at least 1");
            }
            this.generation = generation;
            this.endorsements = List.copyOf(endorsements);
            if (this.endorsements.size() > KeyEndorsement.MAX_PER_RESPONSE) {
                throw new IllegalArgumentException("issuerKeys: at most " + KeyEndorsement.MAX_PER_RESPONSE);
            }
            this.tlsPins = List.copyOf(tlsPins);
            if (this.tlsPins.size() > EnrollmentClaims.MAX_PINS || !this.tlsPins.stream().allMatch(TlsPin::isWellFormed)) {
                throw new IllegalArgumentException("tlsPins: at most " + EnrollmentClaims.MAX_PINS + " well-formed pins");
            }
        }

        /**
         * The issuer's active key endorsed by its older keys: how an agent learns a rotated key (may be empty).
         *
         * @return the endorsements, at most {@link KeyEndorsement#MAX_PER_RESPONSE}; unmodifiable
         */
        public List<KeyEndorsement> endorsements() {
            return endorsements;
        }

        /**
         * The TLS pins the server's next installers name, for the agent to keep (empty: keep what it has).
         *
         * @return the pins, unmodifiable
         */
        public List<String> tlsPins() {
            return tlsPins;
        }

        /** {@return where the agent landed} */
        public Placement placement() {
            return placement;
        }

        /** {@return the credential, to verify against the pinned issuer keys before use} */
        public AgentCredential credential() {
            return credential;
        }

        /** {@return when the credential expires, as the server states it} */
        public Instant credentialExpiresAt() {
            return expiresAt;
        }

        /** {@return the credential's generation: 1 at enrollment, one more at each renewal} */
        public long generation() {
            return generation;
        }

        @Override
        public int httpStatus() {
            return 200;
        }

        @Override
        public String status() {
            return status;
        }

        @Override
        public byte[] toJson() {
            Map<String, Object> m = placementJson(status, placement);
            m.put("credential", credential.reveal());
            m.put("credentialExpiresAt", expiresAt.toString());
            m.put("generation", generation);
            if (!endorsements.isEmpty()) {
                m.put("issuerKeys", endorsements.stream().map(KeyEndorsement::toJson).toList());
            }
            if (!tlsPins.isEmpty()) {
                m.put("tlsPins", tlsPins);
            }
            return StrictJson.write(m);
        }

        @Override
        public String toString() {
            return getClass().getSimpleName() + "[" + placement.agentId() + ", generation " + generation + ", credential redacted]";
        }
    }

    /** The agent is enrolled and active; its first credential. */
    final class Enrolled extends Credentialed {
        /**
         * An enrollment answer.
         *
         * @param placement    where the agent landed
         * @param credential   its first credential
         * @param expiresAt    when that expires
         * @param generation   1
         * @param endorsements rotated issuer keys, endorsed; may be empty
         * @param tlsPins      pins for the agent to keep; may be empty
         */
        public Enrolled(Placement placement, AgentCredential credential, Instant expiresAt, long generation, List<KeyEndorsement> endorsements,
                List<String> tlsPins) {
            super("enrolled", placement, credential, expiresAt, generation, endorsements, tlsPins);
        }
    }

    /** The agent's next credential. */
    final class Renewed extends Credentialed {
        /**
         * A renewal answer.
         *
         * @param placement    where the agent is
         * @param credential   the new credential
         * @param expiresAt    when that expires
         * @param generation   one more than the credential renewed
         * @param endorsements rotated issuer keys, endorsed; may be empty
         * @param tlsPins      pins for the agent to keep; may be empty
         */
        public Renewed(Placement placement, AgentCredential credential, Instant expiresAt, long generation, List<KeyEndorsement> endorsements,
                List<String> tlsPins) {
            super("renewed", placement, credential, expiresAt, generation, endorsements, tlsPins);
        }
    }

    /** The agent exists but waits for an administrator's approval; it polls the renewal endpoint. */
    record Pending(Placement placement) implements EnrollmentResponse {
        /**
         * Refuses a null placement.
         *
         * @param placement where the agent landed
         */
        public Pending {
            Objects.requireNonNull(placement, "placement");
        }

        @Override
        public int httpStatus() {
            return 202;
        }

        @Override
        public String status() {
            return "pending";
        }

        @Override
        public byte[] toJson() {
            return StrictJson.write(placementJson(status(), placement));
        }
    }

    /**
     * Refused, with a stable code, words the agent may show its user, and for retryable codes how long to wait.
     */
    record Denied(DenialCode code, String message, Optional<Duration> retryAfter) implements EnrollmentResponse {
        /** The longest wait an answer may ask for. */
        public static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

        /**
         * Refuses a null code, a bad message or a wait out of range.
         *
         * @param code       the refusal
         * @param message    words the agent may show, printable, at most {@link #MAX_TEXT} characters
         * @param retryAfter how long to wait, 0 to {@link #MAX_RETRY_AFTER}; empty when not said
         */
        public Denied {
            Objects.requireNonNull(code, "code");
            checkText("message", message, MAX_TEXT);
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.isPresent() && (retryAfter.get().isNegative() || retryAfter.get().compareTo(MAX_RETRY_AFTER) > 0)) {
                throw new IllegalArgumentException("retryAfter: 0 to 1 day");
            }
        }

        /**
         * A refusal that says nothing about when to retry.
         *
         * @param code    the refusal
         * @param message words the agent may show
         */
        public Denied(DenialCode code, String message) {
            this(code, message, Optional.empty());
        }

        @Override
        public int httpStatus() {
            if (code == DenialCode.UNKNOWN) {
                throw new IllegalStateException("a server never answers the UNKNOWN code");
            }
            return code.httpStatus();
        }

        @Override
        public String status() {
            return "denied";
        }

        @Override
        public byte[] toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("v", EnrollmentProtocol.VERSION);
            m.put("status", status());
            m.put("reason", code.wireName());
            m.put("message", message);
            retryAfter.ifPresent(d -> m.put("retryAfter", Math.max(1, d.toSeconds())));
            return StrictJson.write(m);
        }
    }

    /** A body that breaks the protocol. The message names what is wrong, never the body. */
    final class MalformedException extends HeartbeatCheckedException {
        private static final long serialVersionUID = 1L;

        /**
         * A malformed answer; no stack trace is kept.
         *
         * @param detail what is wrong, never the body
         */
        public MalformedException(String detail) {
            super(detail, null, false, false);
        }
    }

    /**
     * Parses an answer strictly: the body must be a v{@value EnrollmentProtocol#VERSION} response whose status
     * agrees with {@code httpStatus}.
     *
     * @param httpStatus the HTTP status the answer came with
     * @param body       the body, at most {@link EnrollmentProtocol#MAX_BODY_BYTES}
     * @return the answer
     * @throws MalformedException the body breaks the protocol
     */
    static EnrollmentResponse parse(int httpStatus, byte[] body) throws MalformedException {
        Map<String, Object> m;
        try {
            m = StrictJson.parseObject(body, EnrollmentProtocol.MAX_BODY_BYTES);
        } catch (StrictJson.JsonException e) {
            throw new MalformedException("the response body is not an acceptable JSON object: " + e.getMessage());
        }
        try {
            if (StrictJson.requireInteger(m, "v") != EnrollmentProtocol.VERSION) {
                throw new MalformedException("the response is not protocol version " + EnrollmentProtocol.VERSION);
            }
            String status = StrictJson.requireString(m, "status");
            switch (status) {
                case "enrolled", "renewed" -> {
                    StrictJson.onlyMembers(m, Set.of("v", "status", "agentId", "organizationId", "organization", "group", "credential",
                            "credentialExpiresAt", "generation", "issuerKeys", "tlsPins"));
                    expectStatus(httpStatus, 200, status);
                    Placement placement = placement(m);
                    AgentCredential credential = AgentCredential.of(StrictJson.requireString(m, "credential"));
                    Instant expires = Rfc3339.parse(StrictJson.requireString(m, "credentialExpiresAt"))
                            .orElseThrow(() -> new MalformedException("credentialExpiresAt is not an RFC 3339 timestamp"));
                    long generation = StrictJson.requireInteger(m, "generation");
                    List<KeyEndorsement> endorsements = endorsements(m);
                    List<String> pins = StrictJson.strings(m, "tlsPins", EnrollmentClaims.MAX_PINS);
                    return status.equals("enrolled") ? new Enrolled(placement, credential, expires, generation, endorsements, pins)
                            : new Renewed(placement, credential, expires, generation, endorsements, pins);
                }
                case "pending" -> {
                    StrictJson.onlyMembers(m, Set.of("v", "status", "agentId", "organizationId", "organization", "group"));
                    expectStatus(httpStatus, 202, status);
                    return new Pending(placement(m));
                }
                case "denied" -> {
                    StrictJson.onlyMembers(m, Set.of("v", "status", "reason", "message", "retryAfter"));
                    DenialCode code = DenialCode.fromWire(StrictJson.requireString(m, "reason"));
                    if (code == DenialCode.UNKNOWN ? httpStatus < 400 || httpStatus > 599 : httpStatus != code.httpStatus()) {
                        throw new MalformedException("HTTP status " + httpStatus + " disagrees with a \"" + code.wireName() + "\" refusal");
                    }
                    Optional<Long> retry = StrictJson.integer(m, "retryAfter");
                    if (retry.isPresent() && (retry.get() < 0 || retry.get() > MAX_RETRY_AFTER_SECONDS)) {
                        throw new MalformedException("retryAfter is out of range");
                    }
                    return new Denied(code, StrictJson.requireString(m, "message"), retry.map(Duration::ofSeconds));
                }
                default -> throw new MalformedException("unknown response status");
            }
        } catch (StrictJson.JsonException e) {
            throw new MalformedException("response member " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new MalformedException("response " + e.getMessage());
        }
    }

    /** The longest retry delay a response may ask for, in seconds. */
    long MAX_RETRY_AFTER_SECONDS = 86_400;

    private static void expectStatus(int httpStatus, int expected, String status) throws MalformedException {
        if (httpStatus != expected) {
            throw new MalformedException("HTTP status " + httpStatus + " disagrees with \"" + status + "\"");
        }
    }

    private static List<KeyEndorsement> endorsements(Map<String, Object> m) throws StrictJson.JsonException, MalformedException {
        Object v = m.get("issuerKeys");
        if (v == null || v == StrictJson.NULL) {
            return List.of();
        }
        if (!(v instanceof List<?> list) || list.size() > KeyEndorsement.MAX_PER_RESPONSE) {
            throw new MalformedException("issuerKeys: an array of at most " + KeyEndorsement.MAX_PER_RESPONSE + " endorsements");
        }
        List<KeyEndorsement> out = new ArrayList<>(list.size());
        for (Object e : list) {
            if (!(e instanceof Map<?, ?> raw)) {
                throw new MalformedException("issuerKeys: each entry is an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> em = (Map<String, Object>) raw;
            StrictJson.onlyMembers(em, Set.of("kid", "x", "endorsedBy", "sig"));
            try {
                out.add(KeyEndorsement.fromJson(StrictJson.requireString(em, "kid"), StrictJson.requireString(em, "x"),
                        StrictJson.requireString(em, "endorsedBy"), StrictJson.requireString(em, "sig")));
            } catch (TokenException te) {
                throw new MalformedException("issuerKeys: " + te.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private static Placement placement(Map<String, Object> m) throws StrictJson.JsonException {
        return new Placement(StrictJson.requireString(m, "agentId"), StrictJson.requireString(m, "organizationId"),
                StrictJson.requireString(m, "organization"), StrictJson.requireString(m, "group"));
    }

    private static Map<String, Object> placementJson(String status, Placement p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", EnrollmentProtocol.VERSION);
        m.put("status", status);
        m.put("agentId", p.agentId());
        m.put("organizationId", p.organizationId());
        m.put("organization", p.organizationName());
        m.put("group", p.groupPath());
        return m;
    }

    /** Texts a server sends: bounded, and free of control characters (an agent prints them). */
    private static void checkText(String field, String text, int max) {
        if (text == null || text.isEmpty() || text.length() > max) {
            throw new IllegalArgumentException(field + ": 1 to " + max + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
                throw new IllegalArgumentException(field + ": control characters are not allowed");
            }
        }
    }
}
