package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.SigningPublicKey;

import com.heartbeatrm.protocol.internal.EnrollmentTokenCodec;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Ed25519 keys and tokens for tests, signed with the JDK provider. */
final class TestKeys {
    static final String ORG = "org_AAAAAAAAAAAAAAAAAAAAAA";
    static final String KEY = "hbk_BBBBBBBBBBBBBBBBBBBBBA";
    static final String JTI = "ins_CCCCCCCCCCCCCCCCCCCCCA";
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    final PrivateKey privateKey;
    final SigningPublicKey publicKey;

    private TestKeys(KeyPair pair) {
        byte[] spki = pair.getPublic().getEncoded();
        this.privateKey = pair.getPrivate();
        this.publicKey = SigningPublicKey.of(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    }

    static TestKeys generate() {
        try {
            return new TestKeys(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static PrivateKey fromSeed(byte[] seed) throws GeneralSecurityException {
        byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + 32);
        System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, 32);
        return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    static byte[] sign(PrivateKey key, byte[] message) {
        return AgentKeyPair.sign(key, message);
    }

    byte[] sign(byte[] message) {
        return sign(privateKey, message);
    }

    String token(EnrollmentClaims claims) {
        return EnrollmentTokenCodec.encode(claims, publicKey.keyId(), this::sign);
    }

    static EnrollmentClaims claims(Instant iat) {
        return new EnrollmentClaims(EnrollmentClaims.FORMAT_VERSION, "https://heartbeat.example", ORG, KEY, JTI, iat, Optional.of(iat.plusSeconds(3600)),
                List.of(URI.create("https://enroll.heartbeat.example/v1/")), List.of(), Optional.of("windows"));
    }
}
