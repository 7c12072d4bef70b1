package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Real Windows Installer packages for the tests: {@code fixtures/msi/agent.wxs} built by {@code wixl} (Debian's
 * msitools), optionally rewritten with 4096-byte sectors by the independent {@code cfb.py}, signed by osslsigncode
 * with a throwaway CA. See {@code fixtures/msi/BUILD.txt}.
 */
final class MsiFixture {
    static final String PYTHON = "/usr/bin/python3";
    final Path dir;
    final CodeSigningCa ca;

    private MsiFixture(Path dir, CodeSigningCa ca) {
        this.dir = dir;
        this.ca = ca;
    }

    static MsiFixture create(Path dir) throws Exception {
        Tools.require("wixl", "wixl");
        Tools.require("msiinfo", "msitools");
        Tools.require("msiextract", "msitools");
        if (!Files.isExecutable(Path.of(PYTHON))) {
            Tools.require(PYTHON, "python3");
        }
        for (String f : new String[] {"agent.wxs", "agent.txt", "cfb.py"}) {
            try (InputStream in = MsiFixture.class.getResourceAsStream("/fixtures/msi/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        return new MsiFixture(dir, CodeSigningCa.create(dir));
    }

    /** An unsigned MSI built by wixl; with {@code payloadBytes > 0} the packaged file is that much random data. */
    Path unsigned(String name, long payloadBytes) throws Exception {
        Path work = Files.createDirectories(dir.resolve(name + "-src"));
        Files.copy(dir.resolve("agent.wxs"), work.resolve("agent.wxs"));
        if (payloadBytes > 0) {
            byte[] chunk = new byte[1 << 20];
            new SplittableRandom(11).nextBytes(chunk);
            try (OutputStream os = Files.newOutputStream(work.resolve("agent.txt"))) {
                for (long w = 0; w < payloadBytes; w += chunk.length) {
                    os.write(chunk, 0, (int) Math.min(chunk.length, payloadBytes - w));
                }
            }
        } else {
            Files.copy(dir.resolve("agent.txt"), work.resolve("agent.txt"));
        }
        Path msi = dir.resolve(name + ".msi");
        CodeSigningCa.ok(work, "wixl", "-o", msi.toString(), "agent.wxs");
        return msi;
    }

    /** The same package rewritten as a version-4 compound file (4096-byte sectors) by the independent cfb.py. */
    Path toVersion4(Path msi, String name) throws Exception {
        Path out = dir.resolve(name + ".msi");
        CodeSigningCa.ok(dir, PYTHON, dir.resolve("cfb.py").toString(), "v4", msi.toString(), out.toString());
        return out;
    }

    Path signed(Path unsigned, String name, Path extraCerts) throws Exception {
        Path out = dir.resolve(name + ".msi");
        ca.sign(unsigned, out, extraCerts);
        return out;
    }

    /** Extra PEM certificates, to make a signature larger than the mini-stream cutoff. */
    Path extraCertificates(int count) throws Exception {
        StringBuilder pem = new StringBuilder();
        for (int i = 0; i < count; i++) {
            CodeSigningCa.ok(dir, "openssl", "req", "-x509", "-newkey", "rsa:4096", "-nodes", "-keyout", "extra" + i + ".key", "-out",
                    "extra" + i + ".pem", "-days", "30", "-subj", "/CN=HeartbeatRM Extra " + i);
            pem.append(Files.readString(dir.resolve("extra" + i + ".pem")));
        }
        Path all = dir.resolve("extra.pem");
        Files.writeString(all, pem);
        return all;
    }

    /** Every stream's SHA-256 (and the signature stream's placement), by the independent reader cfb.py. */
    TreeMap<String, String> streams(Path msi) throws Exception {
        Tools.Run r = Tools.run(dir, PYTHON, dir.resolve("cfb.py").toString(), "hash", msi.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        TreeMap<String, String> out = new TreeMap<>();
        for (String line : r.output().split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 3) {
                out.put("stream:" + f[1], f[2]);
            } else if (f.length == 2) {
                out.put(f[0], f[1]);
            }
        }
        return out;
    }

    /** The same check through Debian's python3-olefile: each stream's SHA-256 by path. */
    String olefileStreams(Path msi) throws Exception {
        String script = "import hashlib,olefile,sys\n"
                + "o=olefile.OleFileIO(sys.argv[1])\n"
                + "for p in sorted(o.listdir(streams=True, storages=False)):\n"
                + "  print('/'.join(p).encode('unicode_escape').decode(), hashlib.sha256(o.openstream(p).read()).hexdigest())\n";
        Tools.Run r = Tools.run(dir, PYTHON, "-c", script, msi.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output();
    }
}
