package com.heartbeatrm.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.agent.CustodyKey;
import com.heartbeatrm.agent.KeyCustodyException;
import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The agent key's TPM custody on real swtpm instances: create, sign, open again, and refuse another TPM's key. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TpmKeyCustodyTest {
    private static final byte[] MESSAGE = "heartbeat custody test".getBytes(StandardCharsets.US_ASCII);
    Swtpm first;
    Swtpm second;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        first = Swtpm.fresh(dir.resolve("first"));
        second = Swtpm.fresh(dir.resolve("second"));
    }

    @AfterAll
    void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    private static boolean verifies(CustodyKey key, byte[] signature) {
        return AgentKeyAlgorithm.ECDSA_P256.verify(key.publicKey(), MESSAGE, signature, (k, m, s) -> false);
    }

    @Test
    void generatesAP256KeyThatSignsInTheTpmAndOpensAgainOnANewConnection() throws Exception {
        CustodyKey key;
        try (Tpm tpm = first.open()) {
            TpmKeyCustody custody = new TpmKeyCustody(tpm);
            assertThat(custody.name()).isEqualTo("tpm");
            assertThat(custody.algorithm()).isEqualTo(AgentKeyAlgorithm.ECDSA_P256);
            key = custody.generate();
            assertThat(key.custody()).isEqualTo("tpm");
            assertThat(key.publicKey()).hasSize(65);
            byte[] signature = key.sign(MESSAGE);
            assertThat(signature).hasSize(AgentKeyAlgorithm.SIGNATURE_LENGTH);
            assertThat(verifies(key, signature)).isTrue();
            // The reference is the TPM-wrapped blob: it parses, and it holds the same public key.
            assertThat(AgentKeyAlgorithm.sec1Of(TpmKeyBlob.parse(key.reference()).publicKey())).isEqualTo(key.publicKey());
            assertThat(key.toString()).doesNotContain(HexFormat.of().formatHex(key.reference()).substring(0, 32));
        }
        try (Tpm again = first.open()) {
            CustodyKey reopened = new TpmKeyCustody(again).open(AgentKeyAlgorithm.ECDSA_P256, key.publicKey(), key.reference());
            assertThat(reopened.fingerprint()).isEqualTo(key.fingerprint());
            assertThat(verifies(key, reopened.sign(MESSAGE))).isTrue();
        }
    }

    @Test
    void anotherTpmDoesNotHoldTheKey() throws Exception {
        CustodyKey key;
        try (Tpm tpm = first.open()) {
            key = new TpmKeyCustody(tpm).generate();
        }
        try (Tpm other = second.open()) {
            assertThatThrownBy(() -> new TpmKeyCustody(other).open(AgentKeyAlgorithm.ECDSA_P256, key.publicKey(), key.reference()))
                    .isInstanceOfSatisfying(KeyCustodyException.class, e -> {
                        assertThat(e.kind()).isEqualTo(KeyCustodyException.Kind.NOT_FOUND);
                        assertThat(e.getMessage()).contains("TPM_RC_INTEGRITY").contains("another TPM");
                    });
        }
    }

    @Test
    void aReferenceThatIsNotThisKeysBlobIsRefused() throws Exception {
        try (Tpm tpm = first.open()) {
            TpmKeyCustody custody = new TpmKeyCustody(tpm);
            CustodyKey a = custody.generate();
            CustodyKey b = custody.generate();
            assertThatThrownBy(() -> custody.open(AgentKeyAlgorithm.ECDSA_P256, a.publicKey(), b.reference()))
                    .isInstanceOfSatisfying(KeyCustodyException.class, e -> assertThat(e.kind()).isEqualTo(KeyCustodyException.Kind.NOT_FOUND));
            assertThatThrownBy(() -> custody.open(AgentKeyAlgorithm.ECDSA_P256, a.publicKey(), new byte[] {'H', 'B', 'T', 'K'}))
                    .isInstanceOfSatisfying(KeyCustodyException.class, e -> assertThat(e.kind()).isEqualTo(KeyCustodyException.Kind.NOT_FOUND));
            assertThatThrownBy(() -> custody.open(AgentKeyAlgorithm.ED25519, new byte[32], a.reference()))
                    .isInstanceOfSatisfying(KeyCustodyException.class, e -> assertThat(e.kind()).isEqualTo(KeyCustodyException.Kind.NOT_FOUND));
        }
    }
}
