package com.heartbeatrm.enrollment;

import com.heartbeatrm.enrollment.internal.SelfSignedCertificate;
import com.heartbeatrm.protocol.SigningPublicKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A PKCS#11 token or HSM that holds the deployment's issuer signing keys, reached through the JDK's SunPKCS11
 * provider. Keys made here are ECDSA P-256 (ES256: the JDK's PKCS#11 provider has no EdDSA), generated on the token as
 * token objects that are sensitive and not extractable: the private key never leaves the token, and the store keeps
 * only the public key and the key's label on the token. Thread-safe.
 *
 * <p>The token is opened from a SunPKCS11 configuration ({@code name}, {@code library}, {@code slot} or
 * {@code slotListIndex} or {@code tokenLabel}...); this class adds the attributes that make generated private keys
 * token objects, sensitive and not extractable, whatever the configuration says about them.
 */
public final class Pkcs11IssuerToken implements AutoCloseable {
    /** The {@code keyEncryptionKeyId} a stored signing key has when its private key is on a token. */
    public static final String STORE_REFERENCE = "pkcs11-token";
    private static final BigInteger N = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
    private static final String KEY_ATTRIBUTES = """

            attributes(generate, CKO_PRIVATE_KEY, CKK_EC) = {
              CKA_TOKEN = true
              CKA_PRIVATE = true
              CKA_SENSITIVE = true
              CKA_EXTRACTABLE = false
              CKA_SIGN = true
            }
            """;
    private final Provider provider;
    private final KeyStore keyStore;
    private final String description;

    private Pkcs11IssuerToken(Provider provider, KeyStore keyStore, String description) {
        this.provider = provider;
        this.keyStore = keyStore;
        this.description = description;
    }

    /**
     * Opens the token a SunPKCS11 configuration file describes and logs in with the user PIN, read from the first line
     * of {@code pinFile}.
     *
     * @param sunPkcs11Config a SunPKCS11 configuration file
     * @param pinFile         an owner-only file whose first line is the user PIN; the PIN is wiped after login
     * @return the logged-in token
     * @throws IssuerTokenException the PIN file is unsafe or unreadable, or the token cannot be opened or logged in to
     */
    public static Pkcs11IssuerToken open(Path sunPkcs11Config, Path pinFile) {
        char[] pin = readPin(pinFile);
        try {
            return open(sunPkcs11Config, pin);
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    /**
     * Opens the token a SunPKCS11 configuration file describes and logs in with the user PIN.
     *
     * @param sunPkcs11Config a SunPKCS11 configuration file
     * @param pin             the user PIN; the caller wipes it
     * @return the logged-in token
     * @throws IssuerTokenException the token cannot be opened or logged in to
     */
    public static Pkcs11IssuerToken open(Path sunPkcs11Config, char[] pin) {
        Objects.requireNonNull(pin, "pin");
        String config;
        try {
            config = Files.readString(sunPkcs11Config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IssuerTokenException("cannot read the PKCS#11 configuration " + sunPkcs11Config + ": " + e.getMessage());
        }
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new IssuerTokenException("this JDK has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
        }
        Provider provider;
        try {
            provider = base.configure("--" + config + KEY_ATTRIBUTES);
        } catch (RuntimeException e) {
            throw new IssuerTokenException("the PKCS#11 configuration " + sunPkcs11Config + " does not open a token: " + rootMessage(e));
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            ks.load(null, pin.clone());
            return new Pkcs11IssuerToken(provider, ks, provider.getName());
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new IssuerTokenException("cannot log in to the PKCS#11 token " + provider.getName() + ": " + rootMessage(e));
        }
    }

    private static char[] readPin(Path pinFile) {
        try {
            if (Files.getFileStore(pinFile).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
                java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(pinFile);
                perms.removeAll(java.util.EnumSet.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE));
                if (!perms.isEmpty()) {
                    throw new IssuerTokenException("the PIN file " + pinFile + " must be owner-only (chmod 600), not " + perms);
                }
            }
            String text = Files.readString(pinFile, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String line = (end < 0 ? text : text.substring(0, end)).strip();
            if (line.isEmpty() || line.length() > 256) {
                throw new IssuerTokenException("the PIN file " + pinFile + " must hold a PIN of 1 to 256 characters on its first line");
            }
            return line.toCharArray();
        } catch (IOException e) {
            throw new IssuerTokenException("cannot read the PIN file " + pinFile + ": " + e.getClass().getSimpleName());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : " " + t.getMessage());
    }

    /** The provider this token is reached through, for tests and tools that inspect its objects. */
    Provider provider() {
        return provider;
    }

    /**
     * Generates a new P-256 key pair on the token, stores it under a label derived from its key id, and returns its
     * public key.
     */
    synchronized SigningPublicKey generate(Instant now) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC", provider);
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = gen.generateKeyPair();
            SigningPublicKey pub = SigningPublicKey.fromSubjectPublicKeyInfo(pair.getPublic().getEncoded());
            Certificate cert = SelfSignedCertificate.create(pub.keyId(), pair.getPublic(), pair.getPrivate(), provider, now);
            keyStore.setEntry(pub.keyId(), new KeyStore.PrivateKeyEntry(pair.getPrivate(), new Certificate[] {cert}), null);
            return pub;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IssuerTokenException("cannot generate a signing key on " + description + ": " + rootMessage(e));
        }
    }

    /** The private key labelled {@code label}, checked against the public key the store holds for it. */
    synchronized Optional<PrivateKey> find(String label, SigningPublicKey expected) {
        try {
            Key key = keyStore.getKey(label, null);
            Certificate cert = keyStore.getCertificate(label);
            if (!(key instanceof PrivateKey pk) || cert == null) {
                return Optional.empty();
            }
            if (!SigningPublicKey.fromSubjectPublicKeyInfo(cert.getPublicKey().getEncoded()).equals(expected)) {
                throw new IssuerTokenException("the key labelled " + label + " on " + description + " is not the stored key");
            }
            return Optional.of(pk);
        } catch (GeneralSecurityException e) {
            throw new IssuerTokenException("cannot read the key " + label + " on " + description + ": " + rootMessage(e));
        }
    }

    /** Removes the key labelled {@code label} from the token, if it is there. */
    synchronized void delete(String label) {
        try {
            if (keyStore.containsAlias(label)) {
                keyStore.deleteEntry(label);
            }
        } catch (GeneralSecurityException e) {
            throw new IssuerTokenException("cannot delete the key " + label + " on " + description + ": " + rootMessage(e));
        }
    }

    /** The ES256 signature ({@code r || s}, low S) of {@code message}, made on the token. */
    byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format", provider);
            s.initSign(key);
            s.update(message);
            return lowS(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IssuerTokenException("the token " + description + " did not sign: " + rootMessage(e));
        }
    }

    /** {@code r || s} with {@code s} replaced by {@code n - s} when it is in the upper half, as the protocol requires. */
    static byte[] lowS(byte[] signature) {
        if (signature.length != 64) {
            throw new IssuerTokenException("the token returned a " + signature.length + "-byte signature, not 64");
        }
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        if (s.compareTo(N.shiftRight(1)) <= 0) {
            return signature;
        }
        byte[] low = N.subtract(s).toByteArray();
        byte[] out = Arrays.copyOf(signature, 64);
        Arrays.fill(out, 32, 64, (byte) 0);
        int len = Math.min(low.length, 32);
        System.arraycopy(low, low.length - len, out, 64 - len, len);
        return out;
    }

    /** Logs out of the token. */
    @Override
    public void close() {
        if (provider instanceof java.security.AuthProvider auth) {
            try {
                auth.logout();
            } catch (javax.security.auth.login.LoginException e) {
                throw new IssuerTokenException("cannot log out of " + description + ": " + rootMessage(e));
            }
        }
    }

    @Override
    public String toString() {
        return "Pkcs11IssuerToken[" + description + "]";
    }
}
