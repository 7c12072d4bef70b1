package com.heartbeatrm.tpm.internal;

import java.nio.charset.StandardCharsets;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * TPM2_MakeCredential done outside the TPM (TPM 2.0 Library Part 1, 24: "Credential Protection"), for an RSA 2048 or
 * ECC P-256 endorsement key with the default templates' parameters (SHA-256 name algorithm, AES-128-CFB): a random
 * seed encrypted to the EK with RSA-OAEP and the label "IDENTITY\0" (or derived by ECDH with it), the credential
 * encrypted under a key derived from the seed and the activated object's name, and an HMAC over both. Only the TPM
 * holding the EK's private key, with an object of that name loaded, can recover the credential.
 */
public final class Credential {
    private Credential() {}

    /** TPM2B_ID_OBJECT contents and TPM2B_ENCRYPTED_SECRET contents. */
    public record Made(byte[] credentialBlob, byte[] encryptedSecret) {}

    public static Made make(RSAPublicKey ek, byte[] objectName, byte[] credential, SecureRandom random)
            throws GeneralSecurityException {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
        oaep.init(Cipher.ENCRYPT_MODE, ek, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                new PSource.PSpecified("IDENTITY\0".getBytes(StandardCharsets.US_ASCII))), random);
        byte[] encryptedSeed = oaep.doFinal(seed);
        return seal(seed, encryptedSeed, objectName, credential);
    }

    /** The part common to both EK types: encrypt and seal the credential under keys derived from the seed. */
    private static Made seal(byte[] seed, byte[] encryptedSeed, byte[] objectName, byte[] credential)
            throws GeneralSecurityException {
        byte[] symKey = kdfa(seed, "STORAGE", objectName, new byte[0], 128);
        Cipher cfb = Cipher.getInstance("AES/CFB/NoPadding");
        cfb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(symKey, "AES"), new IvParameterSpec(new byte[16]));
        byte[] encIdentity = cfb.doFinal(new TpmWriter().sized(credential).toByteArray());

        byte[] hmacKey = kdfa(seed, "INTEGRITY", new byte[0], new byte[0], 256);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
        mac.update(encIdentity);
        byte[] integrity = mac.doFinal(objectName);
        java.util.Arrays.fill(seed, (byte) 0);
        java.util.Arrays.fill(symKey, (byte) 0);
        java.util.Arrays.fill(hmacKey, (byte) 0);
        return new Made(new TpmWriter().sized(integrity).raw(encIdentity).toByteArray(), encryptedSeed);
    }

    /**
     * The same for an ECC NIST P-256 EK: the seed is KDFe(SHA-256, Z, "IDENTITY", ephemeral x, EK x) from an
     * ephemeral ECDH with the EK, and the encrypted secret is the ephemeral public point (TPMS_ECC_POINT).
     */
    public static Made make(ECPublicKey ek, byte[] objectName, byte[] credential, SecureRandom random)
            throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        KeyPair ephemeral = generator.generateKeyPair();
        KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
        ecdh.init(ephemeral.getPrivate());
        ecdh.doPhase(ek, true);
        byte[] z = ecdh.generateSecret();
        ECPoint q = ((ECPublicKey) ephemeral.getPublic()).getW();
        byte[] qx = fixed(q.getAffineX());
        byte[] qy = fixed(q.getAffineY());
        byte[] seed = kdfe(z, "IDENTITY", qx, fixed(ek.getW().getAffineX()), 256);
        java.util.Arrays.fill(z, (byte) 0);
        byte[] point = new TpmWriter().sized(qx).sized(qy).toByteArray();
        return seal(seed, point, objectName, credential);
    }

    private static byte[] fixed(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    /** KDFe with SHA-256 (Part 1, 11.4.10.3): counter, Z, the NUL-terminated label, party U then party V. */
    static byte[] kdfe(byte[] z, String label, byte[] partyU, byte[] partyV, int bits) throws GeneralSecurityException {
        int bytes = (bits + 7) / 8;
        byte[] out = new byte[bytes];
        byte[] labelBytes = (label + "\0").getBytes(StandardCharsets.US_ASCII);
        for (int counter = 1, done = 0; done < bytes; counter++) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(new TpmWriter().u32(counter).toByteArray());
            sha.update(z);
            sha.update(labelBytes);
            sha.update(partyU);
            byte[] block = sha.digest(partyV);
            int n = Math.min(block.length, bytes - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        return out;
    }

    /** KDFa with HMAC-SHA256 (Part 1, 11.4.10.2), counter mode, the label NUL-terminated. */
    public static byte[] kdfa(byte[] key, String label, byte[] contextU, byte[] contextV, int bits)
            throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        int bytes = (bits + 7) / 8;
        byte[] out = new byte[bytes];
        byte[] labelBytes = (label + "\0").getBytes(StandardCharsets.US_ASCII);
        for (int counter = 1, done = 0; done < bytes; counter++) {
            mac.update(new TpmWriter().u32(counter).toByteArray());
            mac.update(labelBytes);
            mac.update(contextU);
            mac.update(contextV);
            byte[] block = mac.doFinal(new TpmWriter().u32(bits).toByteArray());
            int n = Math.min(block.length, bytes - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        return out;
    }
}
