package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.CredentialClaims;
import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.protocol.SignedAgentRequest;
import com.heartbeatrm.protocol.Ed25519Verifier;
import com.heartbeatrm.protocol.RequestException;
import com.heartbeatrm.protocol.TlsPin;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;

import com.heartbeatrm.protocol.internal.CredentialCodec;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A small enrollment server for the client's tests: the JDK's HTTPS server on a loopback port with a key made by
 * {@code keytool}, answering the protocol with credentials signed by a test issuer key, or misbehaving on purpose
 * ({@link Mode}). It counts the requests it saw.
 */
final class ProtocolServer implements AutoCloseable {
    static final String ISSUER = "https://heartbeat.example";
    static final String AGENT = "agt_DDDDDDDDDDDDDDDDDDDDDA";
    static final String GROUP = "grp_EEEEEEEEEEEEEEEEEEEEEA";

    enum Mode { NORMAL, TAMPERED, TRUNCATED, UNAVAILABLE, DENY_CLONE, CLOCK_SKEW_ONCE, REJECT_ONCE }

    final TestKeys issuer;
    final AtomicReference<Mode> mode = new AtomicReference<>(Mode.NORMAL);
    final AtomicInteger requests = new AtomicInteger();
    /**
     * The server's certificate choices: one per full TLS handshake (a resumed session needs none below JDK 25; JDK 25
     * also asks when it restores a session's certificate from a ticket). {@link #sessionCreated} tells resumptions apart.
     */
    final AtomicInteger fullHandshakes = new AtomicInteger();
    /**
     * The TLS session's creation time seen by the handler, per request in order: a full handshake makes a session of its
     * own; a TLS 1.3 resumption restores the creation time from the ticket, so resumed connections repeat it.
     */
    final List<Long> sessionCreated = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    /** When set, every answer closes its connection, as a server does hours later: the next request connects anew. */
    volatile boolean closeEachConnection;
    final AtomicInteger generation = new AtomicInteger();
    /** Every renewal body received, in order. */
    final List<byte[]> renewals = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final TlsIdentity tls;
    private final HttpsServer server;
    private final Clock clock;
    Duration credentialTtl = Duration.ofHours(6);

    /** A TLS key pair and self-signed certificate for 127.0.0.1, in a PKCS12 file made by keytool. */
    static final class TlsIdentity {
        static final char[] PASSWORD = "changeit".toCharArray();
        final KeyStore keyStore;
        final X509Certificate certificate;

        TlsIdentity(KeyStore ks) throws Exception {
            this.keyStore = ks;
            this.certificate = (X509Certificate) ks.getCertificate("server");
        }

        static TlsIdentity create(Path dir, String name) throws Exception {
            Path p12 = dir.resolve(name + ".p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", p12.toString(), "-storetype", "PKCS12",
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                ks.load(in, PASSWORD);
            }
            return new TlsIdentity(ks);
        }

        String pin() {
            return TlsPin.of(certificate);
        }

        /** An SSL context that trusts exactly this certificate, as a CA would be trusted. */
        SSLContext trustingThis() throws Exception {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        }
    }

    ProtocolServer(TestKeys issuer, TlsIdentity tls, Clock clock) throws Exception {
        this.issuer = issuer;
        this.tls = tls;
        this.clock = clock;
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(tls.keyStore, TlsIdentity.PASSWORD);
        X509ExtendedKeyManager keys = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {new CountingKeyManager(keys, fullHandshakes)}, null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/v1/", this::handle);
        server.start();
    }

    URI base() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/v1/");
    }

    /** Counts the server's certificate choices: one per full handshake, none for a resumed session. */
    private static final class CountingKeyManager extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;
        private final AtomicInteger chosen;

        CountingKeyManager(X509ExtendedKeyManager keys, AtomicInteger chosen) {
            this.keys = keys;
            this.chosen = chosen;
        }

        /** Counts a certificate chosen (a full handshake); passes the choice on. */
        private String counted(String alias) {
            if (alias != null) {
                chosen.incrementAndGet();
            }
            return alias;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return counted(keys.chooseEngineServerAlias(keyType, issuers, engine));
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return counted(keys.chooseServerAlias(keyType, issuers, socket));
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return keys.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return keys.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            if (ex instanceof HttpsExchange https) {
                sessionCreated.add(https.getSSLSession().getCreationTime());
            }
            if (closeEachConnection) {
                ex.getResponseHeaders().set("Connection", "close");
            }
            byte[] body = ex.getRequestBody().readNBytes(EnrollmentProtocol.MAX_BODY_BYTES + 1);
            String path = ex.getRequestURI().getPath();
            EnrollmentResponse answer;
            String fingerprint;
            try {
                SignedAgentRequest request = path.endsWith("/enroll") ? EnrollmentRequest.parse(body) : RenewalRequest.parse(body);
                if (!request.proofVerifies(Ed25519Verifier.jdk())) {
                    send(ex, new EnrollmentResponse.Denied(DenialCode.REJECTED, "the proof of possession does not verify"), null);
                    return;
                }
                fingerprint = request.publicKeyFingerprint();
            } catch (RequestException e) {
                send(ex, new EnrollmentResponse.Denied(DenialCode.INVALID_REQUEST, "the request is invalid"), null);
                return;
            }
            if (path.endsWith("/renew")) {
                renewals.add(body);
            }
            Mode m = mode.get();
            if (m == Mode.CLOCK_SKEW_ONCE && mode.compareAndSet(Mode.CLOCK_SKEW_ONCE, Mode.NORMAL)) {
                send(ex, new EnrollmentResponse.Denied(DenialCode.CLOCK_SKEW, "the request's time is too far from the server's"), null);
                return;
            }
            if (m == Mode.REJECT_ONCE && mode.compareAndSet(Mode.REJECT_ONCE, Mode.NORMAL)) {
                send(ex, new EnrollmentResponse.Denied(DenialCode.REJECTED, "the request was rejected"), null);
                return;
            }
            if (m == Mode.UNAVAILABLE) {
                send(ex, new EnrollmentResponse.Denied(DenialCode.UNAVAILABLE, "temporarily unavailable; try again",
                        java.util.Optional.of(Duration.ofSeconds(1))), null);
                return;
            }
            if (m == Mode.DENY_CLONE) {
                send(ex, new EnrollmentResponse.Denied(DenialCode.AGENT_LOCKED, "this agent's identity is in use on another computer (a clone)"),
                        null);
                return;
            }
            long gen = generation.incrementAndGet();
            Instant now = clock.instant();
            Instant expires = now.plus(credentialTtl);
            CredentialClaims claims = new CredentialClaims(ISSUER, TestKeys.ORG, AGENT, GROUP, fingerprint, gen, now, expires);
            String credential = CredentialCodec.encode(claims, issuer.publicKey.keyId(), issuer::sign);
            if (m == Mode.TAMPERED) {
                char last = credential.charAt(credential.length() - 60);
                credential = credential.substring(0, credential.length() - 60) + (last == 'A' ? 'B' : 'A') + credential.substring(credential.length() - 59);
            }
            EnrollmentResponse.Placement placement = new EnrollmentResponse.Placement(AGENT, TestKeys.ORG, "Acme MSP", "Customer A");
            answer = path.endsWith("/enroll") ? new EnrollmentResponse.Enrolled(placement, AgentCredential.of(credential), expires, gen, List.of(), List.of())
                    : new EnrollmentResponse.Renewed(placement, AgentCredential.of(credential), expires, gen, List.of(), List.of());
            send(ex, answer, m == Mode.TRUNCATED ? 40 : null);
        }
    }

    private static void send(HttpExchange ex, EnrollmentResponse r, Integer truncateTo) throws IOException {
        byte[] json = r.toJson();
        byte[] out = truncateTo == null ? json : java.util.Arrays.copyOf(json, truncateTo);
        ex.getResponseHeaders().set("Content-Type", EnrollmentProtocol.CONTENT_TYPE);
        if (r instanceof EnrollmentResponse.Denied d && d.retryAfter().isPresent()) {
            ex.getResponseHeaders().set("Retry-After", Long.toString(d.retryAfter().get().toSeconds()));
        }
        ex.sendResponseHeaders(r.httpStatus(), out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    /** A token for this server: its base URL first (after {@code before}), its TLS pin unless {@code pins} says otherwise. */
    VerifiedEnrollmentToken token(List<URI> before, List<String> pins) throws TokenException {
        Instant now = clock.instant();
        List<URI> endpoints = new java.util.ArrayList<>(before);
        endpoints.add(base());
        EnrollmentClaims c = new EnrollmentClaims(EnrollmentClaims.FORMAT_VERSION, ISSUER, TestKeys.ORG, TestKeys.KEY, TestKeys.JTI, now,
                java.util.Optional.of(now.plusSeconds(3600)), endpoints, pins, java.util.Optional.of("linux"));
        return EnrollmentTokenVerifier.builder(PinnedKeySet.of(issuer.publicKey)).clock(clock).build().verify(issuer.token(c));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
