package com.heartbeatrm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.agent.TokenDelivery;
import com.heartbeatrm.examples.Deployment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The MDM profile and the Group Policy templates, checked by independent tools: Python's plistlib and xml.etree,
 * and {@code openssl cms -verify}; the token inside verifies on its own against the deployment's issuer keys.
 */
@DisplayName("MDM profiles and Group Policy templates")
class ManagedDeliveryTest {
    private static final String PYTHON = "/usr/bin/python3";
    @TempDir
    Path tmp;
    private String data;
    private String key;

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    /** An external tool's run (python3, openssl). */
    private record ToolRun(int exit, String out, String err) {
    }

    private ToolRun tool(String... command) throws Exception {
        for (String t : new String[] {command[0]}) {
            if (!Files.isExecutable(Path.of(t)) && new ProcessBuilder("sh", "-c", "command -v " + t).start().waitFor() != 0) {
                if ("true".equals(System.getenv("CI"))) {
                    throw new AssertionError(t + " is missing; CI=true requires it (.ci/run installs it)");
                }
                Assumptions.abort(t + " is not installed");
            }
        }
        Process p = new ProcessBuilder(command).directory(tmp.toFile()).start();
        byte[] err = p.getErrorStream().readAllBytes();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new ToolRun(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @BeforeEach
    void deployment() {
        data = tmp.resolve("data").toString();
        CliRun init = cli("--data", data, "--org", "Acme MSP", "init", "--server-url", "https://rmm.acme.example:8443");
        assertThat(init.exit()).as(init.err()).isZero();
        key = init.out().strip();
    }

    private PinnedKeySet issuerKeys() throws Exception {
        try (Deployment d = Deployment.open(Path.of(data), null, null, null)) {
            return d.server.signingKeys().publicKeySet();
        }
    }

    /** plistlib's reading of a profile: the token, the payload type, the URLs; and the managed-preferences plist macOS would write. */
    private static final String READ_PROFILE = String.join("\n",
            "import plistlib, sys",
            "p = plistlib.load(open(sys.argv[1], 'rb'))",
            "assert p['PayloadType'] == 'Configuration' and p['PayloadScope'] == 'System', p",
            "(payload,) = p['PayloadContent']",
            "print('type=' + payload['PayloadType'])",
            "print('urls=' + ','.join(payload['ServerURLs']))",
            "print('token=' + payload['EnrollmentToken'])",
            "managed = {k: v for k, v in payload.items() if not k.startswith('Payload')}",
            "open(sys.argv[2], 'wb').write(plistlib.dumps(managed, fmt=plistlib.FMT_BINARY))");

    private static String field(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "=(.*)$").matcher(out);
        assertThat(m.find()).as(name + " in " + out).isTrue();
        return m.group(1).strip();
    }

    private void checkProfile(Path plist, String installerId) throws Exception {
        Path managed = tmp.resolve("com.heartbeatrm.agent.plist");
        Files.deleteIfExists(managed);
        ToolRun read = tool(PYTHON, "-c", READ_PROFILE, plist.toString(), managed.toString());
        assertThat(read.exit()).as(read.err()).isZero();
        assertThat(field(read.out(), "type")).isEqualTo(TokenDelivery.PREFERENCE_DOMAIN);
        assertThat(field(read.out(), "urls")).isEqualTo("https://rmm.acme.example:8443/v1/");
        String token = field(read.out(), "token");
        var claims = EnrollmentTokenVerifier.builder(issuerKeys()).build().verify(EnrollmentToken.of(token)).claims();
        assertThat(claims.installerId()).isEqualTo(installerId);
        assertThat(claims.platform()).contains("macos");
        // What the agent SDK reads on a Mac, from the plist macOS makes of the payload.
        Files.setPosixFilePermissions(managed, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(TokenDelivery.fromManagedPreferences(managed).orElseThrow().reveal()).isEqualTo(token);
    }

    @Test
    @DisplayName("an unsigned .mobileconfig parses with plistlib, owner-only; its token verifies and reaches the agent's reader")
    void unsignedProfile() throws Exception {
        Path out = tmp.resolve("agent.mobileconfig");
        CliRun r = cli("--data", data, "installers", "profile", "--key", key, "--out", out.toString(), "--single-use");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        checkProfile(out, r.out().strip());
    }

    @Test
    @DisplayName("a signed .mobileconfig (PEM, then PKCS#12) verifies with openssl cms; the signed content is the same profile")
    void signedProfile() throws Exception {
        ToolRun req = tool("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "mdm-key.pem", "-out", "mdm-cert.pem",
                "-subj", "/CN=Acme MDM profile signing", "-days", "2");
        assertThat(req.exit()).as(req.err()).isZero();
        Path signed = tmp.resolve("signed.mobileconfig");
        CliRun r = cli("--data", data, "installers", "profile", "--key", key, "--out", signed.toString(),
                "--sign-cert", tmp.resolve("mdm-cert.pem").toString(), "--sign-key", tmp.resolve("mdm-key.pem").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(signed)[0]).as("DER SEQUENCE").isEqualTo((byte) 0x30);
        ToolRun verify = tool("openssl", "cms", "-verify", "-inform", "DER", "-in", "signed.mobileconfig", "-CAfile", "mdm-cert.pem",
                "-purpose", "any", "-out", "content.plist");
        assertThat(verify.exit()).as(verify.err()).isZero();
        assertThat(verify.err()).contains("Verification successful");
        checkProfile(tmp.resolve("content.plist"), r.out().strip());

        // A changed byte in the signed content fails verification.
        byte[] bytes = Files.readAllBytes(signed);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("HeartbeatRM agent enrollment");
        bytes[at] = 'h';
        Files.write(tmp.resolve("tampered.mobileconfig"), bytes);
        assertThat(tool("openssl", "cms", "-verify", "-inform", "DER", "-in", "tampered.mobileconfig", "-CAfile", "mdm-cert.pem",
                "-purpose", "any", "-out", "tampered.plist").exit()).isNotZero();

        ToolRun p12 = tool("openssl", "pkcs12", "-export", "-inkey", "mdm-key.pem", "-in", "mdm-cert.pem", "-out", "mdm.p12", "-passout", "pass:");
        assertThat(p12.exit()).as(p12.err()).isZero();
        Path viaP12 = tmp.resolve("p12.mobileconfig");
        CliRun r2 = cli("--data", data, "installers", "profile", "--key", key, "--out", viaP12.toString(), "--sign-pkcs12",
                tmp.resolve("mdm.p12").toString());
        assertThat(r2.exit()).as(r2.err()).isZero();
        assertThat(tool("openssl", "cms", "-verify", "-inform", "DER", "-in", "p12.mobileconfig", "-CAfile", "mdm-cert.pem", "-purpose", "any",
                "-out", "p12.plist").exit()).isZero();
        checkProfile(tmp.resolve("p12.plist"), r2.out().strip());

        CliRun half = cli("--data", data, "installers", "profile", "--key", key, "--out", tmp.resolve("x.mobileconfig").toString(),
                "--sign-cert", tmp.resolve("mdm-cert.pem").toString());
        assertThat(half.exit()).isEqualTo(2);
    }

    @Test
    @DisplayName("installers admx: the ADMX/ADML pair is well-formed (JDK and xml.etree), names the token value and the policy key")
    void policyTemplates() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("PolicyDefinitions"));
        CliRun r = cli("installers", "admx", "--out", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Path admx = dir.resolve("HeartbeatRM.admx");
        Path adml = dir.resolve("en-US").resolve("HeartbeatRM.adml");

        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document policies = f.newDocumentBuilder().parse(admx.toFile());
        Document texts = f.newDocumentBuilder().parse(adml.toFile());
        String ns = "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions";
        assertThat(policies.getDocumentElement().getNamespaceURI()).isEqualTo(ns);
        NodeList text = policies.getElementsByTagNameNS(ns, "text");
        List<String> valueNames = new ArrayList<>();
        for (int i = 0; i < text.getLength(); i++) {
            Element t = (Element) text.item(i);
            valueNames.add(t.getAttribute("valueName"));
            assertThat(((Element) t.getParentNode().getParentNode()).getAttribute("key")).isEqualTo("Software\\Policies\\HeartbeatRM\\Agent");
            assertThat(((Element) t.getParentNode().getParentNode()).getAttribute("class")).isEqualTo("Machine");
        }
        assertThat(valueNames).containsExactly(TokenDelivery.TOKEN_SETTING, "ServerURL");
        // Every $(string.X) and $(presentation.X) the ADMX uses is defined in the ADML.
        Matcher refs = Pattern.compile("\\$\\((string|presentation)\\.([A-Za-z_]+)\\)").matcher(Files.readString(admx));
        List<String> ids = new ArrayList<>();
        NodeList strings = texts.getElementsByTagNameNS(ns, "string");
        for (int i = 0; i < strings.getLength(); i++) {
            ids.add("string." + ((Element) strings.item(i)).getAttribute("id"));
        }
        NodeList presentations = texts.getElementsByTagNameNS(ns, "presentation");
        for (int i = 0; i < presentations.getLength(); i++) {
            ids.add("presentation." + ((Element) presentations.item(i)).getAttribute("id"));
        }
        while (refs.find()) {
            assertThat(ids).contains(refs.group(1) + "." + refs.group(2));
        }

        ToolRun py = tool(PYTHON, "-c", String.join("\n",
                "import sys, xml.etree.ElementTree as ET",
                "ns = {'p': 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions'}",
                "admx = ET.parse(sys.argv[1]).getroot()",
                "adml = ET.parse(sys.argv[2]).getroot()",
                "for t in admx.iterfind('.//p:policy/p:elements/p:text', ns): print('value=' + t.get('valueName'))",
                "for p in admx.iterfind('.//p:policy', ns): print('key=' + p.get('key'))",
                "print('boxes=' + ','.join(b.get('refId') for b in adml.iterfind('.//p:textBox', ns)))"),
                admx.toString(), adml.toString());
        assertThat(py.exit()).as(py.err()).isZero();
        assertThat(py.out()).contains("value=EnrollmentToken").contains("value=ServerURL").contains("key=Software\\Policies\\HeartbeatRM\\Agent")
                .contains("boxes=EnrollmentToken,ServerURL");
    }
}
