package com.heartbeatrm.examples.tls;

import com.heartbeatrm.protocol.TlsPin;
import com.heartbeatrm.examples.Deployment;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The reference server's TLS identity, kept in {@code DATA/tls} (owner-only): the current key and certificate
 * ({@code server.key}, {@code server.crt}) and the next key ({@code next.key}, {@code next.crt}), made ahead of
 * time so that every installer issued names both pins and survives one rotation. {@code init} creates a
 * self-signed pair (EC P-256) unless the operator gives a PEM certificate and key; {@code tls rotate} promotes the
 * next key and makes a new next one. An agent pins the SPKI of the key, not the certificate, so a self-signed
 * certificate needs no CA.
 */
public final class ServerTls {
    static final String CURRENT_KEY = "server.key";
    static final String CURRENT_CERT = "server.crt";
    static final String NEXT_KEY = "next.key";
    static final String NEXT_CERT = "next.crt";
    private static final Duration VALIDITY = Duration.ofDays(825);
    private final Path dir;
    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final Optional<X509Certificate> next;

    private ServerTls(Path dir, PrivateKey key, List<X509Certificate> chain, Optional<X509Certificate> next) {
        this.dir = dir;
        this.key = key;
        this.chain = List.copyOf(chain);
        this.next = next;
    }

    public static boolean exists(Path dataDir) {
        return Files.isRegularFile(dataDir.resolve("tls").resolve(CURRENT_KEY));
    }

    /**
     * Creates the TLS identity: the operator's PEM certificate (chain) and key when given, else a self-signed one for
     * {@code hosts} (names and IP literals); in both cases a self-signed next key. Refuses to overwrite one.
     */
    public static ServerTls create(Path dataDir, Optional<Path> certPem, Optional<Path> keyPem, List<String> hosts) throws IOException {
        Path dir = ensureDir(dataDir);
        if (Files.exists(dir.resolve(CURRENT_KEY))) {
            throw new IOException("a TLS identity exists already in " + dir + " (use tls rotate)");
        }
        if (certPem.isPresent() != keyPem.isPresent()) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (certPem.isPresent()) {
            List<X509Certificate> chain = readCertificates(Files.readString(certPem.get(), StandardCharsets.US_ASCII));
            PrivateKey k = readPrivateKey(Files.readString(keyPem.get(), StandardCharsets.US_ASCII));
            writePrivate(dir.resolve(CURRENT_CERT), pem(chain.toArray()));
            writePrivate(dir.resolve(CURRENT_KEY), pem(k));
        } else {
            writeSelfSigned(dir, CURRENT_KEY, CURRENT_CERT, hosts);
        }
        writeSelfSigned(dir, NEXT_KEY, NEXT_CERT, hosts);
        return load(dataDir);
    }

    /** Promotes the next key to current and makes a new next one; returns the new identity. */
    public static ServerTls rotate(Path dataDir, List<String> hosts) throws IOException {
        Path dir = ensureDir(dataDir);
        if (!Files.exists(dir.resolve(NEXT_KEY))) {
            throw new IOException("no next TLS key in " + dir + " (run init first)");
        }
        Files.move(dir.resolve(NEXT_CERT), dir.resolve(CURRENT_CERT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(dir.resolve(NEXT_KEY), dir.resolve(CURRENT_KEY), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        writeSelfSigned(dir, NEXT_KEY, NEXT_CERT, hosts);
        return load(dataDir);
    }

    public static ServerTls load(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("tls");
        List<X509Certificate> chain = readCertificates(Files.readString(dir.resolve(CURRENT_CERT), StandardCharsets.US_ASCII));
        PrivateKey k = readPrivateKey(Files.readString(dir.resolve(CURRENT_KEY), StandardCharsets.US_ASCII));
        Optional<X509Certificate> next = Files.exists(dir.resolve(NEXT_CERT))
                ? Optional.of(readCertificates(Files.readString(dir.resolve(NEXT_CERT), StandardCharsets.US_ASCII)).get(0))
                : Optional.empty();
        return new ServerTls(dir, k, chain, next);
    }

    /** The pins every new installer names: the current key's, then the next key's. */
    public List<String> pins() {
        List<String> pins = new ArrayList<>();
        pins.add(TlsPin.of(chain.get(0)));
        next.ifPresent(n -> pins.add(TlsPin.of(n)));
        return List.copyOf(pins);
    }

    public String currentPin() {
        return TlsPin.of(chain.get(0));
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The current key and chain as an in-memory key store, for the HTTP server. */
    public KeyStore keyStore(char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, password, chain.toArray(new X509Certificate[0]));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS key store: " + e.getMessage(), e);
        }
    }

    /**
     * A client-side TLS context that trusts exactly this server's current certificate and nothing else: what a
     * client that knows the server (a load generator, a test) uses instead of the JDK's trust store.
     */
    public javax.net.ssl.SSLContext clientTrust() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("server", certificate());
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS trust context: " + e.getMessage(), e);
        }
    }

    public Path directory() {
        return dir;
    }

    @Override
    public String toString() {
        return "ServerTls[" + certificate().getSubjectX500Principal().getName() + ", pins " + pins() + "]";
    }

    // ------------------------------------------------------------------------------------------------ files

    private static Path ensureDir(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("tls");
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectories(dir);
            }
        }
        return dir;
    }

    private static void writeSelfSigned(Path dir, String keyName, String certName, List<String> hosts) throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = g.generateKeyPair();
            X509Certificate cert = selfSigned(pair, hosts);
            writePrivate(dir.resolve(certName), pem(cert));
            writePrivate(dir.resolve(keyName), pem(pair.getPrivate()));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot create a TLS key: " + e.getMessage(), e);
        }
    }

    static X509Certificate selfSigned(KeyPair pair, List<String> hosts) throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name name = new X500Name("CN=HeartbeatRM reference server");
        Instant now = Instant.now();
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(1, serial), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(VALIDITY)), name, pair.getPublic());
        List<GeneralName> sans = new ArrayList<>();
        for (String h : hosts) {
            sans.add(isIpLiteral(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
        }
        if (!sans.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
        }
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    static boolean isIpLiteral(String h) {
        if (h.matches("[0-9.]+") || h.contains(":")) {
            try {
                InetAddress.getByName(h);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    public static List<X509Certificate> readCertificates(String pem) throws IOException {
        try {
            Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IOException("no PEM certificate found");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IOException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    public static PrivateKey readPrivateKey(String pem) throws IOException {
        try (Reader r = new StringReader(pem); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return conv.getPrivateKey(kp.getPrivateKeyInfo());
            }
            if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            throw new IOException("not an unencrypted PEM private key (PKCS#8 or traditional)");
        }
    }

    private static String pem(Object... objects) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            for (Object o : objects) {
                // Private keys as PKCS#8 ("PRIVATE KEY"), which every tool reads the same way.
                w.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", k.getEncoded()) : o);
            }
        }
        return sw.toString();
    }

    /** Writes an owner-only text file ({@link Deployment#writePrivate}). */
    static void writePrivate(Path target, String content) throws IOException {
        Deployment.writePrivate(target, content.getBytes(StandardCharsets.US_ASCII));
    }
}
