package com.heartbeatrm.benchmarks;

import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import com.heartbeatrm.protocol.internal.EnrollmentTokenCodec;
import com.heartbeatrm.protocol.internal.JdkEd25519;
import com.heartbeatrm.protocol.internal.Pae;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.enrollment.Installers;
import com.heartbeatrm.enrollment.IssuedToken;
import com.heartbeatrm.enrollment.TokenCheck;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * Token issue and verify throughput against raw Ed25519 sign and verify of the same message (the token's PAE
 * bytes), all in one JMH run, with BouncyCastle and with the JDK's SunEC provider.
 *
 * <p>Run: {@code java -jar heartbeat-benchmarks/target/benchmarks.jar Token}
 */
public class TokenBenchmark extends ThroughputDefaults {
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    private byte[] seed;
    private byte[] publicKey;
    private Ed25519.PublicPoint publicPoint;
    private String kid;
    private EnrollmentClaims claims;
    private byte[] pae;
    private byte[] signature;
    private String token;
    private EnrollmentTokenVerifier bcVerifier;
    private EnrollmentTokenVerifier jdkVerifier;
    private PrivateKey jdkPrivate;
    private PublicKey jdkPublic;
    private Installers service;
    private com.heartbeatrm.protocol.EnrollmentToken serviceToken;
    private NewOrganization org;
    private AccessKey key;
    private final Actor actor = Actor.of("bench");

    @Setup
    public void setUp() throws Exception {
        seed = BcEd25519.generateSeed();
        publicKey = BcEd25519.publicKey(seed);
        publicPoint = Ed25519.validatePublicKeyFullExport(publicKey, 0);
        SigningPublicKey spk = SigningPublicKey.of(publicKey);
        kid = spk.keyId();
        Instant now = Instant.now();
        claims = new EnrollmentClaims(EnrollmentClaims.FORMAT_VERSION, "https://heartbeat.example", "org_AAAAAAAAAAAAAAAAAAAAAA", "hbk_BBBBBBBBBBBBBBBBBBBBBA",
                "ins_CCCCCCCCCCCCCCCCCCCCCA", now, Optional.of(now.plusSeconds(86_400)),
                List.of(URI.create("https://heartbeat.example/v1/")), List.of(), Optional.of("windows"));
        token = EnrollmentTokenCodec.encode(claims, kid, m -> BcEd25519.sign(seed, publicKey, m));
        String[] parts = token.split("\\.");
        byte[] body = Base64.getUrlDecoder().decode(parts[2]);
        byte[] message = java.util.Arrays.copyOf(body, body.length - 64);
        signature = java.util.Arrays.copyOfRange(body, body.length - 64, body.length);
        pae = Pae.encode("v4.public.".getBytes(StandardCharsets.US_ASCII), message, Base64.getUrlDecoder().decode(parts[3]),
                EnrollmentTokenCodec.IMPLICIT_ASSERTION);
        PinnedKeySet pinned = PinnedKeySet.of(spk);
        bcVerifier = EnrollmentTokenVerifier.builder(pinned).ed25519(BcEd25519.ISSUER_KEYS).build();
        jdkVerifier = EnrollmentTokenVerifier.builder(pinned).build();
        byte[] der = java.util.Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + 32);
        System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, 32);
        jdkPrivate = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        jdkPublic = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(JdkEd25519.spki(publicKey)));

        InMemoryHeartbeatStore store = new InMemoryHeartbeatStore();
        HeartbeatServer server = HeartbeatServer.builder(store, AesGcmKeyEncryptionKey.generate("bench"), "https://heartbeat.example")
                .endpoints(List.of(URI.create("https://heartbeat.example/v1/"))).build();
        server.signingKeys().ensureActiveKey();
        org = server.admin().organizations().setUp(actor, "Bench");
        key = server.admin().accessKeys().create(actor, org.id(), AccessKeySpec.builder("k", org.rootGroup().id()).build());
        service = server.installers();
        serviceToken = service.issueToken(actor, org.id(), key.id(), InstallerRequest.DEFAULTS).token();
        if (!(service.check(serviceToken) instanceof TokenCheck.Valid) || !rawBcVerify() || !rawJdkVerify()) {
            throw new IllegalStateException("setup produced a token that does not verify");
        }
    }

    // ---- signing ----

    @Benchmark
    public byte[] rawBcSign() {
        return BcEd25519.sign(seed, publicKey, pae);
    }

    @Benchmark
    public byte[] rawJdkSign() throws GeneralSecurityException {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(jdkPrivate);
        s.update(pae);
        return s.sign();
    }

    /** Claims to token: JSON, PAE, BouncyCastle signature, base64url. */
    @Benchmark
    public String issueTokenCodec() {
        return EnrollmentTokenCodec.encode(claims, kid, m -> BcEd25519.sign(seed, publicKey, m));
    }

    /** The full service: key checks, signing with the unwrapped active key, record and audit in the in-memory store. */
    @Benchmark
    public IssuedToken issueTokenService() {
        return service.issueToken(actor, org.id(), key.id(), InstallerRequest.DEFAULTS);
    }

    // ---- verification ----

    @Benchmark
    public boolean rawBcVerify() {
        return Ed25519.verify(signature, 0, publicKey, 0, pae, 0, pae.length);
    }

    @Benchmark
    public boolean rawBcVerifyDecodedPoint() {
        return Ed25519.verify(signature, 0, publicPoint, pae, 0, pae.length);
    }

    @Benchmark
    public boolean rawJdkVerify() {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(jdkPublic);
            s.update(pae);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Agent-side verification with BouncyCastle plugged in: parse, canonical checks, kid, signature, claims. */
    @Benchmark
    public VerifiedEnrollmentToken verifyTokenBc() throws TokenException {
        return bcVerifier.verify(token);
    }

    /** The same with the JDK provider, as an agent does by default. */
    @Benchmark
    public VerifiedEnrollmentToken verifyTokenJdk() throws TokenException {
        return jdkVerifier.verify(token);
    }

    /** Server-side: signature against the store's issuer keys, then record and key lookups. */
    @Benchmark
    public TokenCheck validateTokenServer() {
        return service.check(serviceToken);
    }
}
