package com.heartbeatrm.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.agent.AgentKeyCustody;
import com.heartbeatrm.agent.CustodyKey;
import com.heartbeatrm.agent.EnrollmentAttestor;
import com.heartbeatrm.agent.EnrollmentClient;
import com.heartbeatrm.agent.EnrollmentClientException;
import com.heartbeatrm.agent.FileAgentIdentityStore;
import com.heartbeatrm.agent.KeyCustodyException;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import com.heartbeatrm.protocol.AttestationChallenge;
import com.heartbeatrm.protocol.AttestationEvidence;
import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.EnrollmentAttestation;
import com.heartbeatrm.protocol.EnrollmentRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent side of TPM-attested enrollment end to end: {@link EnrollmentClient} with a {@link TpmKeyCustody} and a
 * {@link TpmEnrollmentAttestor} on real swtpm instances (EK certificates from CAs made here), against a loopback
 * server that judges with the real {@link AttestationVerifier}. Each refusal reaches the agent with its code.
 */
class AttestedEnrollmentClientTest extends TpmLabFixture {
    private static final AgentFacts FACTS = new AgentFacts("pc-0042", "linux", "6.1", "heartbeat-agent/test", Optional.of("fp-1"));
    Swtpm secondTrusted;
    Swtpm untrusted;
    MutableClock clock;

    @BeforeAll
    void manufacture() throws Exception {
        secondTrusted = lab.manufacture("tpm-second", lab.trustedCa());
        untrusted = lab.manufacture("tpm-untrusted", lab.otherCa());
        clock = new MutableClock(Instant.now().plusSeconds(2));
    }

    /** How a test's attestor answers a challenge. */
    @FunctionalInterface
    private interface Answer {
        EnrollmentAttestation answer(AttestationChallenge challenge, CustodyKey key) throws KeyCustodyException;
    }

    /** An attestor that begins as {@code real} does and answers with {@code answer}. */
    private static EnrollmentAttestor answeringWith(TpmEnrollmentAttestor real, Answer answer) {
        return new EnrollmentAttestor() {
            @Override
            public AttestationEvidence begin() throws KeyCustodyException {
                return real.begin();
            }

            @Override
            public EnrollmentAttestation answer(AttestationChallenge challenge, CustodyKey key) throws KeyCustodyException {
                return answer.answer(challenge, key);
            }
        };
    }

    private String caFingerprint() {
        try {
            return AttestationVerifier.certificateSha256(lab.trustedCa().certificate);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private AttestingServer server() throws Exception {
        return new AttestingServer(AttestationVerifier.builder().trustManufacturerCa(lab.trustedCa().certificate).clock(clock)
                .maxAge(Duration.ofMinutes(2)).build());
    }

    private static EnrollmentClient client(AttestingServer server, Path state, AgentKeyCustody custody, EnrollmentAttestor attestor) {
        EnrollmentClient.Builder b = EnrollmentClient.builder(server.issuerKeys()).identityStore(FileAgentIdentityStore.in(state, custody))
                .retries(1, Duration.ZERO, Duration.ZERO);
        return (attestor == null ? b : b.attestor(attestor)).build();
    }

    @Test
    void attestedEnrollmentThenPollsWithTheTpmKeyAndACopiedStateCannotRenewOnAnotherTpm() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state-attested"));
        try (AttestingServer server = server(); Tpm tpm = lab.trustedTpm().open()) {
            EnrollmentClient client = client(server, state, new TpmKeyCustody(tpm), new TpmEnrollmentAttestor(tpm));
            EnrollmentClient.Outcome o = client.enroll(server.token(), FACTS);

            assertThat(o.status()).isEqualTo(EnrollmentClient.Outcome.Status.PENDING);
            assertThat(server.paths).containsExactly("/v1/attestation/challenge", "/v1/enroll");
            assertThat(server.verdicts).singleElement().isInstanceOfSatisfying(AttestationVerdict.Attested.class,
                    a -> assertThat(a.trustedBy()).isEqualTo(caFingerprint()));
            EnrollmentRequest sent = server.enrollments.get(0);
            assertThat(sent.keyAlgorithm()).isEqualTo(AgentKeyAlgorithm.ECDSA_P256);
            assertThat(sent.attestation()).isPresent();
            assertThat(sent.publicKey()).isEqualTo(o.identity().keys().publicKey());
            // The state holds the TPM-wrapped blob, never a private key.
            String saved = Files.readString(state.resolve(FileAgentIdentityStore.FILE_NAME), StandardCharsets.UTF_8);
            assertThat(saved).contains("\"keyCustody\":\"tpm\"").doesNotContain("privateKey");

            // The pending agent polls, signing in the TPM: no second attestation.
            assertThat(client.enrollOrRenew(server.token(), FACTS).status()).isEqualTo(EnrollmentClient.Outcome.Status.PENDING);
            assertThat(server.paths).hasSize(3).last().isEqualTo("/v1/renew");

            // The state directory copied to another computer (another TPM, same manufacturer) is refused there.
            Path copy = Files.createDirectories(dir.resolve("state-copied"));
            try (Stream<Path> files = Files.list(state)) {
                for (Path f : files.toList()) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
            try (Tpm other = secondTrusted.open()) {
                EnrollmentClient thief = client(server, copy, new TpmKeyCustody(other), new TpmEnrollmentAttestor(other));
                assertThatThrownBy(() -> thief.enrollOrRenew(server.token(), FACTS))
                        .isInstanceOfSatisfying(EnrollmentClientException.class, e -> {
                            assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.KEY_CUSTODY);
                            assertThat(e.getCause()).isInstanceOfSatisfying(KeyCustodyException.class,
                                    c -> assertThat(c.kind()).isEqualTo(KeyCustodyException.Kind.NOT_FOUND));
                        });
            }
            assertThat(server.paths).as("nothing sent from the copy").hasSize(3);
        }
    }

    @Test
    void aGroupThatRequiresAttestationRefusesAnAgentWithoutAnAttestor() throws Exception {
        try (AttestingServer server = server(); Tpm tpm = lab.trustedTpm().open()) {
            server.requireAttestation = true;
            EnrollmentClient client = client(server, Files.createDirectories(dir.resolve("state-required")), new TpmKeyCustody(tpm), null);
            assertThatThrownBy(() -> client.enroll(server.token(), FACTS))
                    .isInstanceOfSatisfying(EnrollmentClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.REFUSED);
                        assertThat(e.denialCode()).contains(DenialCode.ATTESTATION_REQUIRED);
                        assertThat(e.getMessage()).contains("no attestor");
                    });
            assertThat(server.paths).containsExactly("/v1/enroll");
            assertThat(server.enrollments.get(0).attestation()).isEmpty();
        }
    }

    @Test
    void aTpmWhoseEkChainsToAnUntrustedCaIsRefusedAtTheChallenge() throws Exception {
        try (AttestingServer server = server(); Tpm tpm = untrusted.open()) {
            EnrollmentClient client = client(server, Files.createDirectories(dir.resolve("state-untrusted")), new TpmKeyCustody(tpm),
                    new TpmEnrollmentAttestor(tpm));
            assertThatThrownBy(() -> client.enroll(server.token(), FACTS))
                    .isInstanceOfSatisfying(EnrollmentClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.REFUSED);
                        assertThat(e.denialCode()).contains(DenialCode.ATTESTATION_UNTRUSTED);
                    });
            assertThat(server.paths).containsExactly("/v1/attestation/challenge");
        }
    }

    @Test
    void anAnswerAfterTheVerifiersMaximumAgeIsStale() throws Exception {
        try (AttestingServer server = server(); Tpm tpm = lab.trustedTpm().open()) {
            TpmEnrollmentAttestor real = new TpmEnrollmentAttestor(tpm);
            EnrollmentAttestor slow = answeringWith(real, (challenge, key) -> {
                clock.advance(Duration.ofMinutes(3));
                return real.answer(challenge, key);
            });
            EnrollmentClient client = client(server, Files.createDirectories(dir.resolve("state-stale")), new TpmKeyCustody(tpm), slow);
            assertThatThrownBy(() -> client.enroll(server.token(), FACTS))
                    .isInstanceOfSatisfying(EnrollmentClientException.class,
                            e -> assertThat(e.denialCode()).contains(DenialCode.ATTESTATION_STALE));
        }
    }

    @Test
    void aKeyThatIsNotInTheAttestingTpmCannotBeCertified() throws Exception {
        try (AttestingServer server = server(); Tpm keyTpm = secondTrusted.open()) {
            CustodyKey foreign = new TpmKeyCustody(keyTpm).generate();
            try (Tpm attesting = lab.trustedTpm().open()) {
                TpmEnrollmentAttestor attestor = new TpmEnrollmentAttestor(attesting);
                EnrollmentClient client = EnrollmentClient.builder(server.issuerKeys()).attestor(attestor).retries(1, Duration.ZERO, Duration.ZERO)
                        .build();
                assertThatThrownBy(() -> client.enroll(server.token(), foreign, FACTS))
                        .isInstanceOfSatisfying(EnrollmentClientException.class, e -> {
                            assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.ATTESTATION);
                            assertThat(e.getCause()).isInstanceOfSatisfying(KeyCustodyException.class,
                                    c -> assertThat(c.kind()).isEqualTo(KeyCustodyException.Kind.NOT_FOUND));
                        });
                assertThat(server.paths).containsExactly("/v1/attestation/challenge");

                // A software key cannot be attested at all: the attestor refuses before the TPM is asked.
                CustodyKey software = AgentKeyCustody.software(AgentKeyAlgorithm.ECDSA_P256).generate();
                assertThatThrownBy(() -> attestor.answer(new AttestationChallenge(new byte[1], new byte[1], new byte[1], new byte[32],
                        Instant.now()), software)).isInstanceOfSatisfying(KeyCustodyException.class,
                                c -> assertThat(c.kind()).isEqualTo(KeyCustodyException.Kind.UNSUPPORTED));
            }
        }
    }

    @Test
    void anAnswerCertifyingAnotherKeyThanTheRequestsIsRefusedAsInvalid() throws Exception {
        try (AttestingServer server = server(); Tpm tpm = lab.trustedTpm().open()) {
            TpmKeyCustody custody = new TpmKeyCustody(tpm);
            CustodyKey other = custody.generate();
            TpmEnrollmentAttestor real = new TpmEnrollmentAttestor(tpm);
            // Certifies another key of the same TPM than the one the request carries.
            EnrollmentAttestor swapping = answeringWith(real, (challenge, key) -> real.answer(challenge, other));
            EnrollmentClient client = client(server, Files.createDirectories(dir.resolve("state-swapped")), custody, swapping);
            assertThatThrownBy(() -> client.enroll(server.token(), FACTS))
                    .isInstanceOfSatisfying(EnrollmentClientException.class,
                            e -> assertThat(e.denialCode()).contains(DenialCode.ATTESTATION_INVALID));
            assertThat(server.verdicts).singleElement().isInstanceOf(AttestationVerdict.Attested.class);
            assertThat(List.copyOf(server.paths)).containsExactly("/v1/attestation/challenge", "/v1/enroll");
        }
    }

    @Test
    void theChallengeRequestIsRetriedWhenTheServerIsUnavailableAndAMalformedAnswerIsRefused() throws Exception {
        try (AttestingServer server = server(); Tpm tpm = lab.trustedTpm().open()) {
            server.unavailableChallenges.set(1);
            EnrollmentClient client = EnrollmentClient.builder(server.issuerKeys()).identityStore(FileAgentIdentityStore.in(
                    Files.createDirectories(dir.resolve("state-retried")), new TpmKeyCustody(tpm))).attestor(new TpmEnrollmentAttestor(tpm))
                    .retries(2, Duration.ZERO, Duration.ZERO).build();
            assertThat(client.enroll(server.token(), FACTS).status()).isEqualTo(EnrollmentClient.Outcome.Status.PENDING);
            assertThat(server.paths).containsExactly("/v1/attestation/challenge", "/v1/attestation/challenge", "/v1/enroll");
            assertThat(server.verdicts).singleElement().isInstanceOf(AttestationVerdict.Attested.class);

            // A 202 "pending" body where a challenge belongs: the answer breaks the protocol, nothing is enrolled.
            server.malformedChallenges = true;
            EnrollmentClient other = client(server, Files.createDirectories(dir.resolve("state-malformed")), new TpmKeyCustody(tpm),
                    new TpmEnrollmentAttestor(tpm));
            assertThatThrownBy(() -> other.enroll(server.token(), FACTS)).isInstanceOfSatisfying(EnrollmentClientException.class,
                    e -> assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.MALFORMED_RESPONSE));
            assertThat(server.paths).hasSize(4).last().isEqualTo("/v1/attestation/challenge");
        }
    }
}
