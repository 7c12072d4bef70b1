package com.heartbeatrm.examples.cli;

import com.heartbeatrm.core.InvalidInputException;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.enrollment.IssuedToken;
import com.heartbeatrm.examples.Deployment;
import com.heartbeatrm.examples.delivery.MobileConfig;
import com.heartbeatrm.examples.delivery.PolicyTemplates;
import com.heartbeatrm.examples.tls.ServerTls;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The installer commands for a generic installer: the token delivered beside it ({@code installers token}), in a macOS
 * configuration profile ({@code installers profile}) or through Group Policy templates ({@code installers admx}). Each
 * token is recorded and revocable like any installer; its text is written once, owner-only, and never printed unless
 * asked for with {@code --out -} (to pipe it into an agent's standard input).
 */
final class DeliveryCommands {
    private DeliveryCommands() {
    }

    static final String SINGLE_USE = "one computer only (a download link for one technician's click): a second computer is refused"
            + " (installer_used); expires in 24 hours";

    /** The options every issued token shares with {@code installers generate}. */
    static InstallerRequest request(String platform, URI serverUrl, boolean singleUse) {
        InstallerRequest.Builder request = InstallerRequest.builder().singleUse(singleUse);
        if (platform != null) {
            try {
                request.platform(Platform.parse(platform));
            } catch (InvalidInputException e) {
                throw new HeartbeatCli.UsageException("--platform: one of windows, macos, linux");
            }
        }
        if (serverUrl != null) {
            request.endpoints(List.of(Deployment.baseUrl(serverUrl)));
        }
        return request.build();
    }

    /** Issues a bare token for a key of the organization {@code --org} names. */
    static IssuedToken issue(Deployment d, String org, String key, InstallerRequest request) {
        LocalApi api = new LocalApi(d, org);
        String keyId = api.get("/keys/" + LocalApi.seg(key), Map.of()).path("id").asText();
        Organization o = HeartbeatCli.organizationOf(d, org);
        return d.server.installers().issueToken(HeartbeatCli.CLI, o.id(), AccessKeyId.parse(keyId), request);
    }

    /** The options of every command here that issues a token: which key, another server URL, one computer only. */
    static final class IssueOptions {
        @Option(names = "--key", required = true, description = "key id or name")
        String key;

        @Option(names = "--server-url", description = "another URL this token's agents enroll at")
        URI serverUrl;

        @Option(names = "--single-use", description = SINGLE_USE)
        boolean singleUse;

        /** Issues a token for the key, for {@code platform} (any when null), in the organization {@code --org} names. */
        IssuedToken issue(Deployment d, String org, String platform) {
            return DeliveryCommands.issue(d, org, key, request(platform, serverUrl, singleUse));
        }
    }

    @Command(name = "token", description = "Writes an enrollment token for a key to an owner-only file, for an untagged agent"
            + " (agent-base, an RPM, a container, cloud-init, configuration management) to read with --token-file or"
            + " HEARTBEAT_ENROLLMENT_TOKEN; recorded and revocable like an installer. Prints the installer id.")
    static final class Token implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        IssueOptions issue;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the token file (written 0600 through a temp file and an"
                + " atomic move); - prints the token alone on standard output, to pipe into an agent's --token-file -")
        Path out;

        @Option(names = "--platform")
        String platform;

        @Override
        public Integer call() throws Exception {
            HeartbeatCli root = (HeartbeatCli) spec.root().userObject();
            boolean toStdout = out.toString().equals("-");
            if (!toStdout) {
                HeartbeatCli.checkOut(out);
            }
            try (Deployment d = root.open()) {
                IssuedToken t = issue.issue(d, root.org, platform);
                byte[] text = (t.token().reveal() + "\n").getBytes(StandardCharsets.US_ASCII);
                if (toStdout) {
                    System.out.write(text);
                    System.out.flush();
                    System.err.println(t.record().id());
                } else {
                    writeOwnerOnly(out, text);
                    System.out.println(t.record().id());
                }
            }
            return 0;
        }
    }

    @Command(name = "profile", description = "Writes a macOS configuration profile (.mobileconfig) for MDM (Jamf, Kandji, Intune) that"
            + " sets the agent's managed preferences (com.heartbeatrm.agent): a new enrollment token for the key and the server URLs;"
            + " signed (CMS) with --sign-cert/--sign-key (PEM) or --sign-pkcs12 (password in HEARTBEAT_SIGN_PASSWORD). Prints the"
            + " installer id.")
    static final class Profile implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        IssueOptions issue;

        @Option(names = "--out", required = true, paramLabel = "FILE.mobileconfig", description = "written 0600 (it holds the token)")
        Path out;

        @Option(names = "--sign-cert", paramLabel = "PEM", description = "the signing certificate (chain), PEM")
        Path signCert;

        @Option(names = "--sign-key", paramLabel = "PEM", description = "its private key (RSA or EC), PEM")
        Path signKey;

        @Option(names = "--sign-pkcs12", paramLabel = "FILE", description = "certificate and key in a PKCS#12 file instead;"
                + " its password in HEARTBEAT_SIGN_PASSWORD")
        Path signPkcs12;

        @Override
        public Integer call() throws Exception {
            HeartbeatCli root = (HeartbeatCli) spec.root().userObject();
            HeartbeatCli.checkOut(out);
            if ((signCert == null) != (signKey == null) || (signPkcs12 != null && signCert != null)) {
                throw new HeartbeatCli.UsageException("sign with --sign-cert and --sign-key together, or with --sign-pkcs12 alone");
            }
            PrivateKey signer = null;
            List<X509Certificate> chain = List.of();
            if (signCert != null) {
                chain = ServerTls.readCertificates(Files.readString(signCert, StandardCharsets.US_ASCII));
                signer = ServerTls.readPrivateKey(Files.readString(signKey, StandardCharsets.US_ASCII));
            } else if (signPkcs12 != null) {
                String pw = System.getenv("HEARTBEAT_SIGN_PASSWORD");
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (var in = Files.newInputStream(signPkcs12)) {
                    ks.load(in, pw == null ? new char[0] : pw.toCharArray());
                }
                for (String alias : java.util.Collections.list(ks.aliases())) {
                    if (ks.isKeyEntry(alias)) {
                        signer = (PrivateKey) ks.getKey(alias, pw == null ? new char[0] : pw.toCharArray());
                        chain = java.util.Arrays.stream(ks.getCertificateChain(alias)).map(c -> (X509Certificate) c).toList();
                        break;
                    }
                }
                if (signer == null) {
                    throw new HeartbeatCli.UsageException("--sign-pkcs12 " + signPkcs12 + " holds no private key");
                }
            }
            try (Deployment d = root.open()) {
                IssuedToken t = issue.issue(d, root.org, "macos");
                com.heartbeatrm.protocol.EnrollmentClaims claims = com.heartbeatrm.protocol.EnrollmentTokenVerifier.builder(d.server.signingKeys()
                        .publicKeySet()).build().verify(t.token()).claims();
                byte[] profile = MobileConfig.xml(t.token(), claims.endpoints(), t.record().id().value(),
                        HeartbeatCli.organizationOf(d, root.org).name());
                writeOwnerOnly(out, signer == null ? profile : MobileConfig.sign(profile, signer, chain));
                System.out.println(t.record().id());
            }
            return 0;
        }
    }

    @Command(name = "admx", description = "Writes the Group Policy / Intune administrative templates: DIR/HeartbeatRM.admx and"
            + " DIR/en-US/HeartbeatRM.adml, which set the enrollment token (from installers token) and the server URL in"
            + " HKLM\\Software\\Policies\\HeartbeatRM\\Agent.")
    static final class Admx implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "an existing directory")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new HeartbeatCli.UsageException("--out " + out + ": not a directory (or a link)");
            }
            Path admx = out.resolve(PolicyTemplates.ADMX_NAME);
            Path lang = out.resolve("en-US");
            if (!Files.isDirectory(lang, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(lang);
            }
            Path adml = lang.resolve(PolicyTemplates.ADML_NAME);
            HeartbeatCli.writeOut(admx, PolicyTemplates.admx().getBytes(StandardCharsets.UTF_8));
            HeartbeatCli.writeOut(adml, PolicyTemplates.adml().getBytes(StandardCharsets.UTF_8));
            System.out.println(admx);
            System.out.println(adml);
            return 0;
        }
    }

    /**
     * Writes {@code content} to {@code target} owner-only: a temporary file created with mode 0600 in the same
     * directory (never a chmod afterwards), forced to disk, moved over the target, and the directory forced.
     */
    static void writeOwnerOnly(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path tmp = posix ? Files.createTempFile(dir, ".hb-token", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".hb-token", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            if (posix) {
                try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                    d.force(true);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
