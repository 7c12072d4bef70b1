package com.heartbeatrm.tpm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

/** A manufacturer CA made with openssl for one test, which swtpm_localca uses to issue EK certificates. */
public final class TestCa {
    final Path dir;
    final X509Certificate certificate;

    /** {@return the CA's certificate, as an organization would trust it} */
    public X509Certificate certificate() {
        return certificate;
    }

    private TestCa(Path dir, X509Certificate certificate) {
        this.dir = dir;
        this.certificate = certificate;
    }

    public static TestCa create(Path dir, String commonName) throws IOException, InterruptedException {
        Swtpm.requireTools("openssl");
        Files.createDirectories(dir);
        Swtpm.run(dir, List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", dir.resolve("signkey.pem").toString(), "-out", dir.resolve("issuercert.pem").toString(),
                "-days", "30", "-subj", "/CN=" + commonName,
                "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
        Files.writeString(dir.resolve("certserial"), "1\n");
        try (InputStream in = Files.newInputStream(dir.resolve("issuercert.pem"))) {
            return new TestCa(dir, (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(e);
        }
    }

    /** An intermediate CA issued by this one, which then issues the EK certificates. */
    public TestCa intermediate(Path intermediateDir, String commonName) throws IOException, InterruptedException {
        Files.createDirectories(intermediateDir);
        Path key = intermediateDir.resolve("signkey.pem");
        Path csr = intermediateDir.resolve("request.csr");
        Path ext = intermediateDir.resolve("ca.ext");
        Files.writeString(ext, "basicConstraints=critical,CA:true,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n");
        Swtpm.run(intermediateDir, List.of("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", csr.toString(), "-subj", "/CN=" + commonName));
        Swtpm.run(intermediateDir, List.of("openssl", "x509", "-req", "-in", csr.toString(), "-CA",
                dir.resolve("issuercert.pem").toString(), "-CAkey", dir.resolve("signkey.pem").toString(), "-set_serial", "2",
                "-days", "30", "-extfile", ext.toString(), "-out", intermediateDir.resolve("issuercert.pem").toString()));
        Files.writeString(intermediateDir.resolve("certserial"), "1\n");
        try (InputStream in = Files.newInputStream(intermediateDir.resolve("issuercert.pem"))) {
            return new TestCa(intermediateDir, (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(e);
        }
    }

    /** The swtpm_setup configuration that has swtpm_localca sign with this CA. */
    Path swtpmSetupConfig(Path where) throws IOException {
        Path localca = where.resolve("swtpm-localca.conf");
        Files.writeString(localca, "statedir = " + dir + "\nsigningkey = " + dir.resolve("signkey.pem")
                + "\nissuercert = " + dir.resolve("issuercert.pem") + "\ncertserial = " + dir.resolve("certserial") + "\n");
        Path options = where.resolve("swtpm-localca.options");
        Files.writeString(options, "--platform-manufacturer HeartbeatRM-Test\n--platform-version 2.1\n--platform-model test\n");
        Path setup = where.resolve("swtpm_setup.conf");
        Files.writeString(setup, "create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = " + localca
                + "\ncreate_certs_tool_options = " + options + "\nactive_pcr_banks = sha256\n");
        return setup;
    }
}
