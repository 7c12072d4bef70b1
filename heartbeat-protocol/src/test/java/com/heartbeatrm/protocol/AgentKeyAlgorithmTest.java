package com.heartbeatrm.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AgentKeyAlgorithm: fixed encodings, checked against the JDK's EC provider")
class AgentKeyAlgorithmTest {
    private static final byte[] MESSAGE = "heartbeat".getBytes(StandardCharsets.US_ASCII);

    private static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    @Test
    @DisplayName("a DER signature (as a TPM or SunPKCS11 makes it) converts to the P1363 form that verifies; 200 keys")
    void derToP1363() throws Exception {
        for (int i = 0; i < 200; i++) {
            KeyPair kp = p256();
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(kp.getPrivate());
            s.update(MESSAGE);
            byte[] der = s.sign();
            byte[] p1363 = AgentKeyAlgorithm.p1363FromDer(der);
            byte[] pub = AgentKeyAlgorithm.sec1Of(kp.getPublic());
            assertThat(pub).hasSize(65);
            assertThat(AgentKeyAlgorithm.ECDSA_P256.verify(pub, MESSAGE, p1363, Ed25519Verifier.jdk())).isTrue();
            Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
            v.initVerify(kp.getPublic());
            v.update(MESSAGE);
            assertThat(v.verify(p1363)).isTrue();
        }
    }

    @Test
    @DisplayName("malformed DER is refused: trailing bytes, a wrong tag, a negative or oversized integer, a lying length")
    void malformedDer() throws Exception {
        KeyPair kp = p256();
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(kp.getPrivate());
        s.update(MESSAGE);
        byte[] der = s.sign();
        byte[] trailing = Arrays.copyOf(der, der.length + 1);
        byte[] wrongTag = der.clone();
        wrongTag[0] = 0x31;
        byte[] lying = der.clone();
        lying[1]++;
        byte[] negative = {0x30, 0x06, 0x02, 0x01, (byte) 0x80, 0x02, 0x01, 0x01};
        byte[] big = new byte[41];
        big[0] = 0x30;
        big[1] = 39;
        big[2] = 0x02;
        big[3] = 34;
        big[4] = 0x01;
        big[38] = 0x02;
        big[39] = 0x01;
        big[40] = 0x01;
        for (byte[] bad : new byte[][] {trailing, wrongTag, lying, negative, big, new byte[0]}) {
            assertThatThrownBy(() -> AgentKeyAlgorithm.p1363FromDer(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @DisplayName("P-256 public keys: uncompressed, on the curve, coordinates below p; wire names are exact")
    void publicKeys() throws Exception {
        byte[] pub = AgentKeyAlgorithm.sec1Of(p256().getPublic());
        assertThat(AgentKeyAlgorithm.ECDSA_P256.isValidPublicKey(pub)).isTrue();
        byte[] off = pub.clone();
        off[64] ^= 1;
        assertThat(AgentKeyAlgorithm.ECDSA_P256.isValidPublicKey(off)).isFalse();
        byte[] compressedPrefix = pub.clone();
        compressedPrefix[0] = 0x02;
        assertThat(AgentKeyAlgorithm.ECDSA_P256.isValidPublicKey(compressedPrefix)).isFalse();
        byte[] beyond = pub.clone();
        byte[] p = new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16).toByteArray();
        System.arraycopy(p, p.length - 32, beyond, 1, 32);
        assertThat(AgentKeyAlgorithm.ECDSA_P256.isValidPublicKey(beyond)).isFalse();
        assertThat(AgentKeyAlgorithm.ECDSA_P256.isValidPublicKey(new byte[65])).isFalse();
        assertThat(AgentKeyAlgorithm.ED25519.isValidPublicKey(new byte[65])).isFalse();
        assertThat(AgentKeyAlgorithm.ofWireName("ecdsa-p256")).contains(AgentKeyAlgorithm.ECDSA_P256);
        assertThat(AgentKeyAlgorithm.ofWireName("ED25519")).isEmpty();
        assertThat(AgentKeyAlgorithm.ofWireName("p256")).isEmpty();
    }

    private static byte[] p1363(KeyPair kp, byte[] message) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initSign(kp.getPrivate());
        s.update(message);
        return s.sign();
    }

    @Test
    @DisplayName("P-256 verification reuses the JDK's objects per thread: valid, tampered, wrong-key and malformed "
            + "signatures interleaved on 4 threads each get the answer a fresh JDK verifier gives")
    void p256VerifierReusedPerThread() throws Exception {
        KeyPair a = p256();
        KeyPair b = p256();
        byte[] pubA = AgentKeyAlgorithm.sec1Of(a.getPublic());
        byte[] pubB = AgentKeyAlgorithm.sec1Of(b.getPublic());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<Boolean>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        byte[] m = ("message " + i).getBytes(StandardCharsets.US_ASCII);
                        byte[] sig = p1363(i % 2 == 0 ? a : b, m);
                        byte[] pub = i % 2 == 0 ? pubA : pubB;
                        byte[] other = i % 2 == 0 ? pubB : pubA;
                        byte[] tampered = sig.clone();
                        tampered[10] ^= 1;
                        byte[] zeros = new byte[64];
                        // A failure in between must not leave state that changes the next answer.
                        assertThat(AgentKeyAlgorithm.ECDSA_P256.verify(pub, m, zeros, Ed25519Verifier.jdk())).isFalse();
                        assertThat(AgentKeyAlgorithm.ECDSA_P256.verify(pub, m, sig, Ed25519Verifier.jdk())).isTrue();
                        assertThat(AgentKeyAlgorithm.ECDSA_P256.verify(pub, m, tampered, Ed25519Verifier.jdk())).isFalse();
                        assertThat(AgentKeyAlgorithm.ECDSA_P256.verify(other, m, sig, Ed25519Verifier.jdk())).isFalse();
                        assertThat(AgentKeyAlgorithm.ECDSA_P256.verify(pub, "other".getBytes(StandardCharsets.US_ASCII), sig,
                                Ed25519Verifier.jdk())).isFalse();
                        assertThat(AgentKeyAlgorithm.ECDSA_P256.verify(pub, m, sig, Ed25519Verifier.jdk())).isTrue();
                    }
                    return true;
                }));
            }
            for (var r : runs) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("an ES256 issuer key keeps its JDK key after the first verification: still only its own low-S signatures verify")
    void es256IssuerKeyCachesItsJdkKey() throws Exception {
        KeyPair kp = p256();
        SigningPublicKey key = SigningPublicKey.p256(AgentKeyAlgorithm.sec1Of(kp.getPublic()));
        SigningPublicKey other = SigningPublicKey.p256(AgentKeyAlgorithm.sec1Of(p256().getPublic()));
        BigInteger n = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
        for (int i = 0; i < 20; i++) {
            byte[] m = ("token " + i).getBytes(StandardCharsets.US_ASCII);
            byte[] sig = p1363(kp, m);
            BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
            byte[] low = sig.clone();
            byte[] high = sig.clone();
            BigInteger lowS = s.min(n.subtract(s));
            BigInteger highS = s.max(n.subtract(s));
            System.arraycopy(fixed32(lowS), 0, low, 32, 32);
            System.arraycopy(fixed32(highS), 0, high, 32, 32);
            assertThat(key.verifies(m, low, Ed25519Verifier.jdk())).isTrue();
            assertThat(key.verifies(m, high, Ed25519Verifier.jdk())).as("high S is refused").isFalse();
            assertThat(other.verifies(m, low, Ed25519Verifier.jdk())).isFalse();
            assertThat(key.verifies("x".getBytes(StandardCharsets.US_ASCII), low, Ed25519Verifier.jdk())).isFalse();
            assertThat(key.verifies(m, new byte[63], Ed25519Verifier.jdk())).isFalse();
        }
    }

    private static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(32, b.length);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }
}
