package com.heartbeatrm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The attestation settings, trust anchors and agent attestation values; certificates made by openssl. */
@DisplayName("attestation policy values")
class AttestationPolicyTest {
    private static final Instant T = Instant.parse("2026-06-01T00:00:00Z");
    private static final OrganizationId ORG = OrganizationId.random();

    @TempDir
    Path dir;

    @Test
    @DisplayName("attestation is none or tpm, default none; a refusal of either new setting names that setting")
    void settings() {
        assertThat(SecuritySetting.byName("Attestation")).contains(SecuritySetting.ATTESTATION);
        assertThat(SecuritySetting.ATTESTATION.defaultValue()).isEqualTo(AttestationRequirement.NONE);
        assertThat(SecuritySetting.ATTESTATION.parse(" TPM ")).isEqualTo(AttestationRequirement.TPM);
        assertThat(SecuritySetting.ATTESTATION.format(AttestationRequirement.TPM)).isEqualTo("tpm");
        assertThatThrownBy(() -> SecuritySetting.ATTESTATION.parse("sgx")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("attestation").hasMessageContaining("none or tpm");
        assertThat(SecuritySetting.ATTESTED_SKIPS_APPROVAL.defaultValue()).isFalse();
        assertThat(SecuritySetting.ATTESTED_SKIPS_APPROVAL.parse("yes")).isTrue();
        // Before, every boolean setting's refusal named requireApproval.
        assertThatThrownBy(() -> SecuritySetting.ATTESTED_SKIPS_APPROVAL.parse("maybe")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("attestedSkipsApproval").hasMessageNotContaining("requireApproval");
        assertThat(SecuritySetting.all()).hasSize(9).endsWith(SecuritySetting.ATTESTATION, SecuritySetting.ATTESTED_SKIPS_APPROVAL);
    }

    @Test
    @DisplayName("attestation=tpm locked at the root holds below an override; the text form round-trips")
    void inheritedAndLocked() {
        GroupSettings rootSettings = GroupSettings.NONE.withOverride(SecuritySetting.ATTESTATION, AttestationRequirement.TPM)
                .withLock(SecuritySetting.ATTESTATION, true);
        Group root = new Group(GroupId.random(), ORG, Optional.empty(), "Root", rootSettings, T, 0);
        GroupSettings childSettings = GroupSettings.NONE.withOverride(SecuritySetting.ATTESTATION, AttestationRequirement.NONE)
                .withOverride(SecuritySetting.ATTESTED_SKIPS_APPROVAL, true);
        Group child = new Group(GroupId.random(), ORG, Optional.of(root.id()), "Child", childSettings, T, 0);
        EffectiveSettings e = EffectiveSettings.resolve(List.of(root, child));
        assertThat(e.attestation()).isEqualTo(AttestationRequirement.TPM);
        assertThat(e.resolved(SecuritySetting.ATTESTATION).lockedBy()).isPresent();
        assertThat(e.attestedSkipsApproval()).isTrue();
        assertThat(EffectiveSettings.resolve(List.of(new Group(GroupId.random(), ORG, Optional.empty(), "R", GroupSettings.NONE, T, 0)))
                .attestation()).isEqualTo(AttestationRequirement.NONE);
        Map<String, String> text = childSettings.overridesAsText();
        assertThat(text).containsEntry("attestation", "none").containsEntry("attestedSkipsApproval", "true");
        assertThat(GroupSettings.fromText(rootSettings.overridesAsText(), Set.of("attestation"))).isEqualTo(rootSettings);
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    /** A self-signed P-256 certificate with these extensions, made by openssl; its PEM bytes. */
    private byte[] cert(String name, String... extensions) throws Exception {
        List<String> args = new ArrayList<>(List.of("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-subj", "/CN=" + name, "-days", "30", "-out", name + ".pem"));
        for (String e : extensions) {
            args.add("-addext");
            args.add(e);
        }
        openssl(args.toArray(String[]::new));
        openssl("x509", "-in", name + ".pem", "-outform", "DER", "-out", name + ".der");
        return Files.readAllBytes(dir.resolve(name + ".pem"));
    }

    private String opensslFingerprint(String name) throws Exception {
        openssl("x509", "-in", name + ".pem", "-noout", "-fingerprint", "-sha256", "-out", name + ".fp");
        String line = Files.readString(dir.resolve(name + ".fp")).strip();
        return line.substring(line.indexOf('=') + 1).replace(":", "").toLowerCase(Locale.ROOT);
    }

    @Test
    @DisplayName("a CA certificate parses from PEM and DER to openssl's fingerprint; non-CAs, trailing bytes and garbage are refused")
    void trustedCa() throws Exception {
        byte[] pem = cert("ca", "basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign");
        Instant now = Instant.now();
        TrustedCa fromPem = TrustedCa.parse(pem, now, Actor.of("alice")).checkValidAt(now);
        byte[] der = Files.readAllBytes(dir.resolve("ca.der"));
        TrustedCa fromDer = TrustedCa.parse(der, now, Actor.of("alice"));
        assertThat(fromPem.fingerprint()).isEqualTo(fromDer.fingerprint()).isEqualTo(opensslFingerprint("ca"));
        assertThat(fromPem.der()).isEqualTo(der);
        assertThat(fromPem.subject()).isEqualTo("CN=ca");
        assertThat(fromPem).isEqualTo(fromDer);
        assertThat(fromPem.toString()).contains(fromPem.fingerprint()).doesNotContain(java.util.Base64.getEncoder().encodeToString(der));
        assertThatThrownBy(() -> fromPem.checkValidAt(now.plus(java.time.Duration.ofDays(31)))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> fromPem.checkValidAt(now.minus(java.time.Duration.ofDays(1)))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not valid before");

        assertThat(TrustedCa.parse(cert("bare-ca", "basicConstraints=critical,CA:TRUE"), now, Actor.SYSTEM).fingerprint())
                .isEqualTo(opensslFingerprint("bare-ca"));
        byte[] noCertSign = cert("nosign", "basicConstraints=critical,CA:TRUE", "keyUsage=critical,digitalSignature");
        assertThatThrownBy(() -> TrustedCa.parse(noCertSign, now, Actor.SYSTEM)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("keyCertSign");
        byte[] leaf = cert("leaf", "basicConstraints=critical,CA:FALSE");
        assertThatThrownBy(() -> TrustedCa.parse(leaf, now, Actor.SYSTEM)).isInstanceOf(InvalidInputException.class).hasMessageContaining("not a CA");
        byte[] trailing = Arrays.copyOf(der, der.length + 2);
        assertThatThrownBy(() -> TrustedCa.parse(trailing, now, Actor.SYSTEM)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> TrustedCa.parse("not a certificate".getBytes(StandardCharsets.US_ASCII), now, Actor.SYSTEM))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> TrustedCa.parse(new byte[0], now, Actor.SYSTEM)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    @DisplayName("hashes are 64 lower-case hex; typed ones may be upper case and colon-separated; trustedBy is a hash or allow-list")
    void hashes() {
        String h = "ab".repeat(32);
        assertThat(AllowedEndorsementKey.normalize("AB:".repeat(31) + "AB")).isEqualTo(h);
        assertThat(AllowedEndorsementKey.normalize(" " + h.toUpperCase(Locale.ROOT) + " ")).isEqualTo(h);
        for (String bad : new String[] {h.substring(1), h + "ab", "zz".repeat(32), "ab:cd" + h.substring(4), ""}) {
            assertThatThrownBy(() -> AllowedEndorsementKey.normalize(bad)).as(bad).isInstanceOf(InvalidInputException.class);
        }
        assertThat(AgentAttestation.allowListed(h, T).isAllowListed()).isTrue();
        assertThat(new AgentAttestation(h, "cd".repeat(32), T).isAllowListed()).isFalse();
        assertThatThrownBy(() -> new AgentAttestation(h, "some CA", T)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new AgentAttestation(h.toUpperCase(Locale.ROOT), AgentAttestation.ALLOW_LIST, T))
                .isInstanceOf(InvalidInputException.class);
        assertThat(new AllowedEndorsementKey(h, "  bench 3 ", T, Actor.SYSTEM).label()).isEqualTo("bench 3");
        assertThat(new AllowedEndorsementKey(h, "", T, Actor.SYSTEM).label()).isEmpty();
        assertThatThrownBy(() -> new AllowedEndorsementKey(h, "x".repeat(101), T, Actor.SYSTEM)).isInstanceOf(InvalidInputException.class);
    }
}
