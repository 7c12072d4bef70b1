package com.heartbeatrm.protocol.internal;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

/** Ed25519 verification with the JDK's own provider: no dependency, enough for an agent that verifies once. */
public final class JdkEd25519 implements com.heartbeatrm.protocol.Ed25519Verifier {
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows it. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    public static byte[] spki(byte[] rawPublicKey) {
        byte[] der = new byte[SPKI_PREFIX.length + 32];
        System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
        System.arraycopy(rawPublicKey, 0, der, SPKI_PREFIX.length, 32);
        return der;
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != 32 || signature.length != 64) {
            return false;
        }
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki(publicKey)));
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // An invalid point or encoding is simply not a valid signature.
            return false;
        }
    }
}
