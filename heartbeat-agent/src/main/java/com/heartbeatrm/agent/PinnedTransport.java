package com.heartbeatrm.agent;

import com.heartbeatrm.agent.EnrollmentClientException.Kind;

import com.heartbeatrm.agent.internal.PinningTrustManager;
import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.protocol.EnrollmentResponse;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The client's wire: HTTPS by default, the token's TLS pins checked in the handshake, bounded timeouts and bodies, no
 * redirects, endpoints tried in order and retried by a {@link RetryPolicy}. Knows requests as bytes and answers as
 * parsed {@link EnrollmentResponse}s, nothing of identities.
 */
final class PinnedTransport {
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final RetryPolicy retry;
    private final boolean allowPlainHttp;
    private final @Nullable SSLContext unpinnedContext;
    private final EnrollmentClient.Sleeper sleeper;
    private final RandomGenerator random;
    private final String userAgent;
    private final Map<List<String>, HttpClient> clients = new ConcurrentHashMap<>();

    PinnedTransport(Duration connectTimeout, Duration requestTimeout, RetryPolicy retry, boolean allowPlainHttp, @Nullable SSLContext unpinnedContext,
            EnrollmentClient.Sleeper sleeper, RandomGenerator random, String userAgent) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.retry = retry;
        this.allowPlainHttp = allowPlainHttp;
        this.unpinnedContext = unpinnedContext;
        this.sleeper = sleeper;
        this.random = random;
        this.userAgent = userAgent;
    }

    void checkEndpoints(List<URI> endpoints, List<String> pins) throws EnrollmentClientException {
        for (URI u : endpoints) {
            if (u.getScheme().equals("http")) {
                if (!pins.isEmpty()) {
                    throw new EnrollmentClientException(Kind.INSECURE_ENDPOINT, "the installer pins TLS keys, but " + u.getHost()
                            + " is plain http: a pin cannot apply to it");
                }
                if (!allowPlainHttp && !isLoopback(u.getHost())) {
                    throw new EnrollmentClientException(Kind.INSECURE_ENDPOINT, u.getHost() + " is plain http and not loopback; "
                            + "only https is used unless plain http is allowed explicitly");
                }
            }
        }
    }

    /** Loopback by its literal form only (never a DNS lookup): {@code localhost}, 127.0.0.0/8, ::1. */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        var m = IPV4_LOOPBACK.matcher(host);
        if (m.matches()) {
            for (int i = 1; i <= 3; i++) {
                if (Integer.parseInt(m.group(i)) > 255) {
                    return false;
                }
            }
            return true;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.indexOf(':') >= 0 && h.matches("[0-9A-Fa-f:]{2,39}")) {
            try {
                return InetAddress.getByName(h).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * Tries each endpoint in order, in up to {@code attempts} rounds. Returns the first definitive answer (any
     * parsed answer except a retryable 5xx refusal). TLS failures, pin mismatches and malformed answers move on to
     * the next endpoint but are not retried in later rounds; unreachable and unavailable endpoints are.
     */
    EnrollmentResponse exchange(List<URI> bases, List<String> pins, String path, Supplier<byte[]> body)
            throws EnrollmentClientException {
        return exchange(bases, pins, path, body, EnrollmentResponse::parse, r -> r instanceof EnrollmentResponse.Denied d ? d : null);
    }

    /** Reads an answer of some endpoint from its HTTP status and body. */
    @FunctionalInterface
    interface AnswerParser<T> {
        T parse(int status, byte[] body) throws EnrollmentResponse.MalformedException;
    }

    /**
     * {@link #exchange(List, List, String, Supplier)} for an endpoint whose answers {@code parser} reads;
     * {@code deniedOf} finds the refusal in an answer (null when it is none), which decides retries.
     */
    <T> T exchange(List<URI> bases, List<String> pins, String path, Supplier<byte[]> body, AnswerParser<T> parser,
            Function<T, EnrollmentResponse.@Nullable Denied> deniedOf) throws EnrollmentClientException {
        HttpClient http = client(pins);
        EnrollmentClientException hard = null;
        for (int round = 1; ; round++) {
            EnrollmentClientException soft = null;
            Duration serverWait = Duration.ZERO;
            for (URI base : bases) {
                try {
                    T r = send(http, base.resolve(path), body.get(), parser);
                    EnrollmentResponse.Denied d = deniedOf.apply(r);
                    if (d != null && d.code().isRetryable() && d.code() != DenialCode.THROTTLED) {
                        soft = new EnrollmentClientException(Kind.UNAVAILABLE, d.code(), d.retryAfter().orElse(null),
                                base.getHost() + " is unavailable: " + d.message(), null);
                        serverWait = d.retryAfter().filter(retry::honours).orElse(serverWait);
                        continue;
                    }
                    return r;
                } catch (EnrollmentClientException e) {
                    if (e.kind() == Kind.UNREACHABLE || e.kind() == Kind.UNAVAILABLE) {
                        soft = e;
                    } else if (hard == null || (e.kind() == Kind.PIN_MISMATCH && hard.kind() != Kind.PIN_MISMATCH)) {
                        hard = e;
                    }
                }
            }
            if (soft == null || !retry.retriesAfter(round)) {
                throw hard != null ? hard : soft;
            }
            try {
                sleeper.sleep(retry.delayAfter(round, serverWait, random));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EnrollmentClientException(Kind.UNREACHABLE, "interrupted while waiting to retry", e);
            }
        }
    }

    private <T> T send(HttpClient http, URI uri, byte[] body, AnswerParser<T> parser) throws EnrollmentClientException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Content-Type", EnrollmentProtocol.CONTENT_TYPE)
                .header("Accept", EnrollmentProtocol.CONTENT_TYPE).header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, info -> new LimitedBody());
        HttpResponse<byte[]> response;
        try {
            response = future.get(requestTimeout.toMillis() + connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new EnrollmentClientException(Kind.UNREACHABLE, uri.getHost() + " did not answer within " + requestTimeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new EnrollmentClientException(Kind.UNREACHABLE, "interrupted", e);
        } catch (ExecutionException e) {
            throw classify(uri, Objects.requireNonNullElse(e.getCause(), e));
        }
        int status = response.statusCode();
        try {
            return parser.parse(status, response.body());
        } catch (EnrollmentResponse.MalformedException e) {
            if (status >= 500) {
                throw new EnrollmentClientException(Kind.UNAVAILABLE, uri.getHost() + " answered HTTP " + status);
            }
            throw new EnrollmentClientException(Kind.MALFORMED_RESPONSE, uri.getHost() + " answered HTTP " + status + ": " + e.getMessage());
        }
    }

    private static EnrollmentClientException classify(URI uri, Throwable t) {
        String host = uri.getHost();
        for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
            if (x instanceof PinningTrustManager.PinMismatchException pin) {
                return new EnrollmentClientException(Kind.PIN_MISMATCH, "the server at " + host + " is not the one the installer names: "
                        + pin.getMessage(), pin);
            }
        }
        for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
            if (x instanceof LimitedBody.TooLarge) {
                return new EnrollmentClientException(Kind.MALFORMED_RESPONSE, host + " answered more than "
                        + EnrollmentProtocol.MAX_BODY_BYTES + " bytes");
            }
            if (x instanceof SSLException ssl) {
                return new EnrollmentClientException(Kind.TLS_FAILURE, "TLS with " + host + " failed: " + oneLine(ssl), ssl);
            }
            if (x instanceof HttpTimeoutException || x instanceof ConnectException) {
                return new EnrollmentClientException(Kind.UNREACHABLE, host + ":" + port(uri) + " is unreachable ("
                        + x.getClass().getSimpleName() + ")", x);
            }
        }
        return new EnrollmentClientException(Kind.UNREACHABLE, host + ":" + port(uri) + " is unreachable (" + t.getClass().getSimpleName() + ")", t);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("[\\p{Cntrl}]+", " ");
    }

    private HttpClient client(List<String> pins) {
        return clients.computeIfAbsent(List.copyOf(pins), p -> {
            SSLContext context;
            SSLParameters params = new SSLParameters();
            params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            try {
                if (p.isEmpty()) {
                    context = unpinnedContext != null ? unpinnedContext : SSLContext.getDefault();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                } else {
                    context = SSLContext.getInstance("TLS");
                    context.init(null, new TrustManager[] {new PinningTrustManager(p)}, new SecureRandom());
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("TLS is unavailable in this JDK", e);
            }
            return HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER)
                    .version(HttpClient.Version.HTTP_1_1).sslContext(context).sslParameters(params).build();
        });
    }
}
