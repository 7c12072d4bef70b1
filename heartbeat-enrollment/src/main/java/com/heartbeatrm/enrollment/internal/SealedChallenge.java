package com.heartbeatrm.enrollment.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The fields of one attestation challenge, as the server seals them into the challenge id it hands the agent: the
 * server keeps nothing between the challenge and the enrollment, and any node that shares the deployment's
 * key-encryption key can judge the answer. The sealing (AES-GCM under the KEK, associated data
 * {@link #ASSOCIATED_DATA}) is the caller's; this class is the plaintext's codec.
 *
 * <p>Layout, big-endian: version {@code 01}; organization id, access key id, installer id (each u8 length + UTF-8,
 * at most 100 bytes); issuedAt and expiresAt (epoch milliseconds, i64); the attestation key's TPMT_PUBLIC (u16
 * length, 1 to 1024 bytes); the EK's SHA-256 (32 bytes); trustedBy (u8 length + ASCII: 64 hex digits or
 * {@code allow-list}); the credential secret (u8 length, 1 to 64); the nonce (u8 length, 1 to 64). Nothing may
 * follow. {@link #decode} refuses anything else with {@link Malformed}.
 *
 * <p>Holds the credential secret: a class, not a record; {@link #toString()} names no field but the ids.
 */
public final class SealedChallenge {
    /** What the KEK binds every sealed challenge to, so no other ciphertext of the KEK is accepted as one. */
    public static final byte[] ASSOCIATED_DATA = "heartbeat attestation challenge v1".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int MAX_ID = 100;
    private static final int MAX_PUBLIC = 1024;
    private static final int MAX_SECRET = 64;

    private final String organization;
    private final String accessKey;
    private final String installer;
    private final Instant issuedAt;
    private final Instant expiresAt;
    private final byte[] attestationKeyPublic;
    private final String endorsementKeySha256;
    private final String trustedBy;
    private final byte[] secret;
    private final byte[] nonce;

    /**
     * Checks every field against the layout's bounds.
     *
     * @param organization         the organization the token named
     * @param accessKey            the access key the token named
     * @param installer            the installer (token id) the token named
     * @param issuedAt             when the challenge was issued (kept to the millisecond)
     * @param expiresAt            when it stops being answerable (kept to the millisecond)
     * @param attestationKeyPublic the AK's TPMT_PUBLIC; copied
     * @param endorsementKeySha256 the EK's SHA-256, 64 lower-case hex digits
     * @param trustedBy            a CA's SHA-256 fingerprint (64 lower-case hex digits) or {@code allow-list}
     * @param secret               the credential secret; copied
     * @param nonce                the challenge's nonce; copied
     * @throws IllegalArgumentException a field is out of its bounds
     */
    public SealedChallenge(String organization, String accessKey, String installer, Instant issuedAt, Instant expiresAt,
            byte[] attestationKeyPublic, String endorsementKeySha256, String trustedBy, byte[] secret, byte[] nonce) {
        this.organization = id(organization, "organization");
        this.accessKey = id(accessKey, "accessKey");
        this.installer = id(installer, "installer");
        this.issuedAt = Instant.ofEpochMilli(issuedAt.toEpochMilli());
        this.expiresAt = Instant.ofEpochMilli(expiresAt.toEpochMilli());
        this.attestationKeyPublic = bounded(attestationKeyPublic, MAX_PUBLIC, "attestationKeyPublic");
        if (!endorsementKeySha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("endorsementKeySha256 must be 64 lower-case hex digits");
        }
        this.endorsementKeySha256 = endorsementKeySha256;
        if (!trustedBy.equals("allow-list") && !trustedBy.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("trustedBy must be a SHA-256 fingerprint or allow-list");
        }
        this.trustedBy = trustedBy;
        this.secret = bounded(secret, MAX_SECRET, "secret");
        this.nonce = bounded(nonce, MAX_SECRET, "nonce");
    }

    private static String id(String s, String what) {
        Objects.requireNonNull(s, what);
        if (s.isEmpty() || s.getBytes(StandardCharsets.UTF_8).length > MAX_ID) {
            throw new IllegalArgumentException(what + " must be 1.." + MAX_ID + " bytes");
        }
        return s;
    }

    private static byte[] bounded(byte[] b, int max, String what) {
        Objects.requireNonNull(b, what);
        if (b.length == 0 || b.length > max) {
            throw new IllegalArgumentException(what + " must be 1.." + max + " bytes");
        }
        return b.clone();
    }

    /** A sealed challenge's plaintext that is not of the layout. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    /**
     * The plaintext to seal. The caller wipes it once sealed.
     *
     * @return the fields in the layout above
     */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + attestationKeyPublic.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            for (String s : new String[] {organization, accessKey, installer}) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                out.writeByte(b.length);
                out.write(b);
            }
            out.writeLong(issuedAt.toEpochMilli());
            out.writeLong(expiresAt.toEpochMilli());
            out.writeShort(attestationKeyPublic.length);
            out.write(attestationKeyPublic);
            out.write(HexFormat.of().parseHex(endorsementKeySha256));
            byte[] t = trustedBy.getBytes(StandardCharsets.US_ASCII);
            out.writeByte(t.length);
            out.write(t);
            out.writeByte(secret.length);
            out.write(secret);
            out.writeByte(nonce.length);
            out.write(nonce);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads what {@link #encode} wrote (after the KEK authenticated it).
     *
     * @param plain the unsealed plaintext; not changed
     * @return the fields
     * @throws Malformed anything but the layout: another version, a length past its bound or past the end, trailing bytes
     */
    public static SealedChallenge decode(byte[] plain) throws Malformed {
        ByteBuffer in = ByteBuffer.wrap(plain);
        try {
            if (in.get() != VERSION) {
                throw new Malformed("sealed challenge of an unknown version");
            }
            String org = text(in, MAX_ID);
            String key = text(in, MAX_ID);
            String installer = text(in, MAX_ID);
            Instant issued = Instant.ofEpochMilli(in.getLong());
            Instant expires = Instant.ofEpochMilli(in.getLong());
            byte[] ak = bytes(in, in.getShort() & 0xffff, MAX_PUBLIC);
            byte[] ek = new byte[32];
            in.get(ek);
            String trustedBy = text(in, 64);
            byte[] secret = bytes(in, in.get() & 0xff, MAX_SECRET);
            byte[] nonce = bytes(in, in.get() & 0xff, MAX_SECRET);
            if (in.hasRemaining()) {
                throw new Malformed("trailing bytes after the sealed challenge");
            }
            try {
                return new SealedChallenge(org, key, installer, issued, expires, ak, HexFormat.of().formatHex(ek), trustedBy, secret, nonce);
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new Malformed("sealed challenge ends early");
        } catch (IllegalArgumentException e) {
            throw new Malformed("sealed challenge field out of bounds");
        }
    }

    private static String text(ByteBuffer in, int max) throws Malformed {
        byte[] b = bytes(in, in.get() & 0xff, max);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer in, int length, int max) throws Malformed {
        if (length == 0 || length > max) {
            throw new Malformed("sealed challenge field length out of bounds");
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    /** {@return the organization the token named} */
    public String organization() {
        return organization;
    }

    /** {@return the access key the token named} */
    public String accessKey() {
        return accessKey;
    }

    /** {@return the installer (token id) the token named} */
    public String installer() {
        return installer;
    }

    /** {@return when the challenge was issued} */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** {@return when it stops being answerable} */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** {@return a copy of the attestation key's TPMT_PUBLIC} */
    public byte[] attestationKeyPublic() {
        return attestationKeyPublic.clone();
    }

    /** {@return the EK's SHA-256, 64 lower-case hex digits} */
    public String endorsementKeySha256() {
        return endorsementKeySha256;
    }

    /** {@return the CA's SHA-256 fingerprint, or {@code allow-list}} */
    public String trustedBy() {
        return trustedBy;
    }

    /** {@return a copy of the credential secret; the caller wipes it} */
    public byte[] secret() {
        return secret.clone();
    }

    /** {@return a copy of the nonce} */
    public byte[] nonce() {
        return nonce.clone();
    }

    /** Overwrites the secret held here. */
    public void destroy() {
        Arrays.fill(secret, (byte) 0);
    }

    @Override
    public String toString() {
        return "SealedChallenge[" + organization + ", " + accessKey + ", " + installer + ", expires " + expiresAt + "]";
    }
}
