package com.heartbeatrm.tpm.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * TPM2_MakeCredential done outside the TPM (TPM 2.0 Library Part 1, 24: "Credential Protection"), for an RSA
 * endorsement key with the default template's parameters (SHA-256 name algorithm, AES-128-CFB): a random seed
 * encrypted to the EK with RSA-OAEP and the label "IDENTITY\0", the credential encrypted under a key derived from the
 * seed and the activated object's name, and an HMAC over both. Only the TPM holding the EK's private key, with an
 * object of that name loaded, can recover the credential.
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
