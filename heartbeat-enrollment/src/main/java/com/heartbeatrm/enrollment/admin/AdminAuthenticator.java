package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.core.Actor;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling the admin API. {@link #bearer} checks an {@code Authorization: Bearer} token (the scheme in any
 * case) in constant time, and slows wrong guesses per source: after a wrong token the source should wait (250 ms,
 * doubling up to 10 s), and a wrong token within that wait is answered {@code 429} with {@code Retry-After} (and
 * doubles it again). The right token is always accepted, from any source at any time: a source shared with an
 * attacker (a NAT, a proxy, localhost) never locks the administrator out. That costs no security, since a token has
 * at least 128 bits ({@link AdminToken}): the slow-down is for noise, not what keeps a token unguessable. A request
 * with no token at all is answered 401 and not counted. No thread sleeps. {@link #hostAuthenticated} trusts the
 * principal that the host's own security (Spring Security, say) put on the request.
 */
public interface AdminAuthenticator {

    /** What authenticating one request found: who it acts as, or why it is not let in. */
    sealed interface Authentication permits Authenticated, Unauthenticated {
    }

    /**
     * Authenticated: the request acts as {@code actor}.
     *
     * @param actor the name audit events record for what the request changes
     */
    record Authenticated(Actor actor) implements Authentication {
        /**
         * Checks that {@code actor} is not null.
         *
         * @param actor the name audit events record for what the request changes
         */
        public Authenticated {
            Objects.requireNonNull(actor, "actor");
        }
    }

    /**
     * Unauthenticated: {@code 401} (no or wrong credentials) or {@code 429} (slowed down), with a message for the caller.
     *
     * @param status the HTTP status to answer, 401 or 429
     * @param message what the caller is told; never a credential
     * @param retryAfter when to try again (sent as {@code Retry-After}); empty for a 401
     */
    record Unauthenticated(int status, String message, Optional<Duration> retryAfter) implements Authentication {
        /**
         * Checks that {@code message} and {@code retryAfter} are not null.
         *
         * @param status the HTTP status to answer, 401 or 429
         * @param message what the caller is told; never a credential
         * @param retryAfter when to try again (sent as {@code Retry-After}); empty for a 401
         */
        public Unauthenticated {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /**
     * Decides who one request acts as. Called for every request, on its thread, before anything is routed.
     *
     * @param request the request with its headers and the host's principal, if any
     * @return authenticated with an actor, or unauthenticated with the status to answer
     */
    Authentication authenticate(AdminRequest request);

    /**
     * Bearer-token authentication, acting as {@code actor} (for example {@code admin-api}): the token is compared in
     * constant time, and a source that keeps presenting wrong ones is slowed down (429).
     *
     * @param token the one token that lets a request in
     * @param actor the name audit events record for what such requests change
     * @param clock for the slow-down windows
     * @return a thread-safe authenticator
     */
    static AdminAuthenticator bearer(AdminToken token, Actor actor, Clock clock) {
        return new Bearer(token, actor, clock);
    }

    /**
     * Trusts the principal the host's own security authenticated; refuses a request without one (401).
     *
     * @return an authenticator acting as the principal's name, cut to 200 characters
     */
    static AdminAuthenticator hostAuthenticated() {
        return r -> r.principal().filter(p -> !p.isBlank())
                .<Authentication>map(p -> new Authenticated(Actor.of(p.length() > 200 ? p.substring(0, 200) : p)))
                .orElse(new Unauthenticated(401, "not signed in", Optional.empty()));
    }

    /** The bearer check with per-source slow-down. */
    final class Bearer implements AdminAuthenticator {
        static final Duration FIRST_DELAY = Duration.ofMillis(250);
        static final Duration MAX_DELAY = Duration.ofSeconds(10);
        static final Duration FORGET_AFTER = Duration.ofMinutes(15);
        private static final int MAX_SOURCES = 10_000;
        private final AdminToken token;
        private final Actor actor;
        private final Clock clock;
        /** Failures per source, least recently failed first; bounded. */
        private final Map<InetAddress, Failures> failures = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Failures> eldest) {
                return size() > MAX_SOURCES;
            }
        };

        private record Failures(int count, Instant last, Instant quietUntil) {
        }

        Bearer(AdminToken token, Actor actor, Clock clock) {
            this.token = Objects.requireNonNull(token, "token");
            this.actor = Objects.requireNonNull(actor, "actor");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        @Override
        public Authentication authenticate(AdminRequest request) {
            Instant now = clock.instant();
            InetAddress source = request.remoteAddress();
            Optional<byte[]> presented = request.authorization().flatMap(Bearer::bearerToken);
            if (presented.isPresent() && token.matches(presented.get())) {
                return new Authenticated(actor);
            }
            if (presented.isEmpty()) {
                // No token at all guesses nothing: answered, not counted.
                return new Unauthenticated(401, "missing admin token (Authorization: Bearer …)", Optional.empty());
            }
            Failures before;
            Duration delay;
            synchronized (failures) {
                before = failures.get(source);
                int count = before == null || Duration.between(before.last(), now).compareTo(FORGET_AFTER) > 0 ? 1 : before.count() + 1;
                delay = delayAfter(count);
                failures.put(source, new Failures(count, now, now.plus(delay)));
            }
            if (before != null && now.isBefore(before.quietUntil())) {
                return new Unauthenticated(429, "too many failed sign-ins from this address; wait and try again", Optional.of(delay));
            }
            return new Unauthenticated(401, "wrong admin token", Optional.empty());
        }

        static Duration delayAfter(int failures) {
            long ms = FIRST_DELAY.toMillis() << Math.min(20, failures - 1);
            return Duration.ofMillis(Math.min(ms, MAX_DELAY.toMillis()));
        }

        /** The token of {@code Bearer <token>}, the scheme matched in any case (RFC 9110 §11.1). */
        static Optional<byte[]> bearerToken(String header) {
            String h = header.strip();
            if (h.length() < 7 || !h.substring(0, 6).toLowerCase(Locale.ROOT).equals("bearer") || h.charAt(6) != ' ') {
                return Optional.empty();
            }
            String t = h.substring(7).strip();
            return t.isEmpty() || t.length() > AdminToken.MAX_LENGTH ? Optional.empty() : Optional.of(t.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public String toString() {
            return "AdminAuthenticator.bearer[" + actor.name() + "]";
        }
    }
}
