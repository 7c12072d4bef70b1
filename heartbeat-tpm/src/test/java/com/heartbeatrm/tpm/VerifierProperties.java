package com.heartbeatrm.tpm;

import com.heartbeatrm.protocol.AttestationEvidence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.Size;

/** Whatever an agent sends, the verifier answers with a typed refusal: it never throws, never accepts garbage. */
class VerifierProperties {
    static KeyPair ek;
    static KeyPair ak;
    static AttestationVerifier verifier;
    static AttestationEvidence request;

    @BeforeContainer
    static void keys() throws Exception {
        ek = Synthetic.rsa2048();
        ak = Synthetic.p256();
        verifier = AttestationVerifier.builder().allowEndorsementKey(ek.getPublic()).build();
        request = new AttestationEvidence(Optional.empty(), Synthetic.ekPublic((RSAPublicKey) ek.getPublic()),
                Synthetic.eccPublic((ECPublicKey) ak.getPublic(), Synthetic.AK_ATTRIBUTES));
    }

    @Property(tries = 200)
    void arbitraryAttestationKeyIsRefusedAsInvalid(@ForAll @Size(min = 1, max = 300) byte[] akPublic) {
        AttestationEvidence bad = new AttestationEvidence(Optional.empty(), request.endorsementKeyPublic(), akPublic);
        assertThatThrownBy(() -> verifier.challenge(bad)).isInstanceOfSatisfying(AttestationRefusedException.class,
                e -> assertThat(e.refusal().reason()).isEqualTo(AttestationRefusal.INVALID));
    }

    @Property(tries = 100)
    void arbitraryEndorsementCertificateIsRefused(@ForAll @Size(min = 1, max = 600) byte[] certificate) {
        AttestationEvidence bad = new AttestationEvidence(Optional.of(certificate), request.endorsementKeyPublic(),
                request.attestationKeyPublic());
        assertThatThrownBy(() -> verifier.challenge(bad)).isInstanceOf(AttestationRefusedException.class);
    }

    @Property(tries = 200)
    void arbitraryAnswerIsRefused(@ForAll @Size(min = 1, max = 64) byte[] credential,
            @ForAll @Size(min = 1, max = 300) byte[] certifyInfo, @ForAll @Size(min = 1, max = 200) byte[] signature,
            @ForAll @Size(min = 1, max = 200) byte[] agentKey) throws Exception {
        PendingAttestation pending = verifier.challenge(request);
        AttestationVerdict verdict = verifier.verify(pending, new AttestationResponse(credential, certifyInfo, signature, agentKey));
        assertThat(verdict).isInstanceOfSatisfying(AttestationVerdict.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(AttestationRefusal.INVALID));
    }

    @Property(tries = 50)
    void allowListedEkWithSyntheticAkGetsAChallenge(@ForAll @Size(min = 1, max = 8) byte[] ignored) throws Exception {
        PendingAttestation pending = verifier.challenge(request);
        assertThat(pending.trustedBy()).isEqualTo("allow-list");
        assertThat(TpmLab.sent(pending).nonce()).hasSize(32);
        assertThat(TpmLab.sent(pending).encryptedSecret()).hasSize(256);
    }
}
