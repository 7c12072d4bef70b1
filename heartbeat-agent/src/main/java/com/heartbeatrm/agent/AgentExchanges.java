package com.heartbeatrm.agent;

import com.heartbeatrm.agent.EnrollmentClient.Outcome;
import com.heartbeatrm.agent.EnrollmentClientException.Kind;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.CredentialClaims;
import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The two exchanges of an {@link EnrollmentClient}, from request to kept identity: an enrollment, and a renewal with
 * its lost-answer handling and due time. Sends through the {@link PinnedTransport}, accepts credentials through the
 * {@link CredentialAcceptor}, saves through the {@link IdentityKeeper}; the client holds its store lock around them.
 */
final class AgentExchanges {
    private final Clock clock;
    private final PinnedTransport transport;
    private final CredentialAcceptor credentials;
    private final IdentityKeeper keeper;

    AgentExchanges(Clock clock, PinnedTransport transport, CredentialAcceptor credentials, IdentityKeeper keeper) {
        this.clock = clock;
        this.transport = transport;
        this.credentials = credentials;
        this.keeper = keeper;
    }

    /** Enrolls with {@code keys}: sends the request, checks and saves the answer (see {@link EnrollmentClient#enroll}). */
    Outcome enroll(VerifiedEnrollmentToken token, CustodyKey keys, AgentFacts facts) throws EnrollmentClientException {
        EnrollmentClaims claims = token.claims();
        transport.checkEndpoints(claims.endpoints(), claims.tlsPins());
        // Each attempt is signed afresh: a new nonce and time. The server answers a retried key pair with its agent.
        EnrollmentResponse r = transport.exchange(claims.endpoints(), claims.tlsPins(), EnrollmentProtocol.ENROLL_PATH,
                () -> EnrollmentRequest.create(token.token(), keys, facts, clock).toJson());
        if (r instanceof EnrollmentResponse.Denied d) {
            throw refused(d);
        }
        if (r instanceof EnrollmentResponse.Pending p) {
            CredentialAcceptor.checkPlacement(p.placement(), claims.organizationId(), null);
            AgentIdentity identity = new AgentIdentity(keys, p.placement().agentId(), claims.organizationId(), claims.issuer(),
                    claims.endpoints(), claims.tlsPins(), AgentIdentity.Status.PENDING, Optional.empty(), Optional.empty(),
                    Optional.empty(), 0, p.placement().organizationName(), p.placement().groupPath());
            return keeper.save(new Outcome(Outcome.Status.PENDING, identity));
        }
        if (!(r instanceof EnrollmentResponse.Enrolled e)) {
            throw new EnrollmentClientException(Kind.MALFORMED_RESPONSE, "the server answered an enrollment with \"renewed\"");
        }
        CredentialAcceptor.checkPlacement(e.placement(), claims.organizationId(), null);
        AgentIdentity pending = new AgentIdentity(keys, e.placement().agentId(), claims.organizationId(), claims.issuer(),
                claims.endpoints(), claims.tlsPins(), AgentIdentity.Status.PENDING, Optional.empty(), Optional.empty(),
                Optional.empty(), 0, e.placement().organizationName(), e.placement().groupPath());
        CredentialAcceptor.Verified v = credentials.accept(e, pending);
        return keeper.save(new Outcome(Outcome.Status.ENROLLED, pending.withCredential(e.credential(), v.claims(), e.placement(), v.learned(),
                CredentialAcceptor.pinsFrom(e, claims.tlsPins()))));
    }

    /**
     * Renews {@code current}, the copy {@link IdentityKeeper#current} chose: resends a kept request, or sends a fresh
     * one, kept first (see {@link EnrollmentClient#renew}); the caller holds the client's store lock.
     */
    Outcome renew(AgentIdentity current) throws EnrollmentClientException {
        transport.checkEndpoints(current.endpoints(), current.tlsPins());
        Optional<AgentIdentity.UnansweredRenewal> unanswered = current.unansweredRenewal();
        if (unanswered.isPresent()) {
            RenewalRequest resent = RenewalRequest.create(current.agentId(), current.organizationId(), current.keys().algorithm(), current.keys().publicKey(),
                    current.credential(), unanswered.get().nonce(), unanswered.get().at(), current.keys()::sign);
            try {
                Outcome answered = renewWith(current, resent);
                if (answered.status() != Outcome.Status.RENEWED || clock.instant().isBefore(answered.identity().credentialExpiresAt().orElseThrow())) {
                    return answered;
                }
                // The server repeated the credential the kept request got, which has expired since: renew from it now.
                current = answered.identity();
            } catch (EnrollmentClientException e) {
                if (!neverTaken(current, e)) {
                    throw e;
                }
                current = current.withoutUnansweredRenewal();
            }
        }
        RenewalRequest fresh = RenewalRequest.create(current.agentId(), current.organizationId(), current.keys(), current.credential(),
                clock);
        if (keeper.hasStore()) {
            current = keeper.save(current.withUnansweredRenewal(fresh.nonce(), fresh.timestamp()));
        }
        return renewWith(current, fresh);
    }

    /**
     * Whether the refusal of a resent request shows that the server never took it. A request it took would have been
     * answered again, whatever its age; one it refuses for its time was never taken. A pending agent's poll that was
     * answered as a poll is refused for its nonce; an active agent's kept request is not dropped for that reason,
     * since {@code rejected} also stands for a credential the server cannot check now.
     */
    private static boolean neverTaken(AgentIdentity identity, EnrollmentClientException e) {
        Optional<DenialCode> code = e.kind() == Kind.REFUSED ? e.denialCode() : Optional.empty();
        return code.filter(c -> c == DenialCode.CLOCK_SKEW
                || (c == DenialCode.REJECTED && identity.status() == AgentIdentity.Status.PENDING)).isPresent();
    }

    private Outcome renewWith(AgentIdentity identity, RenewalRequest request) throws EnrollmentClientException {
        // One body for every attempt: a retry of the same renewal is recognised as such by the server.
        byte[] body = request.toJson();
        EnrollmentResponse r = transport.exchange(identity.endpoints(), identity.tlsPins(), EnrollmentProtocol.RENEW_PATH, () -> body);
        if (r instanceof EnrollmentResponse.Denied d) {
            throw refused(d);
        }
        if (r instanceof EnrollmentResponse.Pending p) {
            if (identity.status() != AgentIdentity.Status.PENDING) {
                throw new EnrollmentClientException(Kind.MALFORMED_RESPONSE, "the server answered \"pending\" for an active agent");
            }
            CredentialAcceptor.checkPlacement(p.placement(), identity.organizationId(), identity.agentId());
            return keeper.save(new Outcome(Outcome.Status.PENDING, identity.withPlacement(p.placement())));
        }
        if (!(r instanceof EnrollmentResponse.Renewed renewed)) {
            throw new EnrollmentClientException(Kind.MALFORMED_RESPONSE, "the server answered a renewal with \"enrolled\"");
        }
        CredentialAcceptor.checkPlacement(renewed.placement(), identity.organizationId(), identity.agentId());
        CredentialAcceptor.Verified v = credentials.accept(renewed, identity);
        CredentialClaims c = v.claims();
        if (c.generation() <= identity.generation()) {
            throw new EnrollmentClientException(Kind.BAD_CREDENTIAL, "the renewed credential is of generation " + c.generation()
                    + ", not newer than the one held (" + identity.generation() + ")");
        }
        return keeper.save(new Outcome(Outcome.Status.RENEWED, identity.withCredential(renewed.credential(), c, renewed.placement(), v.learned(),
                CredentialAcceptor.pinsFrom(renewed, identity.tlsPins()))));
    }

    /**
     * When the credential should be renewed: at two thirds of its lifetime, less a jitter of up to a tenth of the
     * lifetime that is fixed per agent and generation, so that a fleet enrolled at once does not renew at once.
     * A pending identity is always due (it polls).
     *
     * @param identity the identity to judge
     * @return the instant from which a renewal is due
     */
    static Instant renewalDueAt(AgentIdentity identity) {
        if (identity.status() == AgentIdentity.Status.PENDING || identity.unansweredRenewal().isPresent()) {
            return Instant.EPOCH;
        }
        Instant issued = identity.credentialIssuedAt().orElseThrow();
        long life = Duration.between(issued, identity.credentialExpiresAt().orElseThrow()).toMillis();
        long jitter = (long) (life / 10.0 * jitterFraction(identity));
        return issued.plusMillis(life * 2 / 3 - jitter);
    }

    private static double jitterFraction(AgentIdentity identity) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((identity.agentId() + ":" + identity.generation())
                    .getBytes(StandardCharsets.US_ASCII));
            long bits = ByteBuffer.wrap(h).getLong();
            return (bits >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EnrollmentClientException refused(EnrollmentResponse.Denied d) {
        return new EnrollmentClientException(Kind.REFUSED, d.code(), d.retryAfter().orElse(null), d.message(), null);
    }
}
