package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.spi.Committed;
import com.heartbeatrm.core.spi.Judged;

import com.heartbeatrm.protocol.VerifiedCredential;

import com.heartbeatrm.protocol.CredentialClaims;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.protocol.RequestException;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.Agents;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AttestationRequirement;
import com.heartbeatrm.core.EffectiveSettings;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.core.spi.RenewalAttempt;
import com.heartbeatrm.core.spi.RenewalCommit;
import com.heartbeatrm.core.spi.RenewalFacts;
import com.heartbeatrm.core.spi.RenewalVerdict;
import com.heartbeatrm.enrollment.Steps.Decision;
import com.heartbeatrm.enrollment.Steps.Deny;
import com.heartbeatrm.enrollment.Steps.Pass;
import com.heartbeatrm.enrollment.Steps.Step;
import com.heartbeatrm.enrollment.Steps.Trace;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Renewal: an enrolled agent proves possession of its key and presents the credential it holds, and gets the
 * next credential generation (or, while pending, learns whether it was approved).
 *
 * <h2>Design</h2>
 * Before the store: <b>request</b> (strict parse), <b>proof of possession</b> with the presented key, and the
 * presented <b>credential</b> is read: its signature and claims must name this agent and key (its expiry does not
 * matter: it only tells the generation the agent holds). What the credential step finds is decided only after the
 * agent step, so that a request naming an agent that does not exist is answered {@code agent_not_found} whatever
 * credential it presents (its agent can then enroll again). Then {@link com.heartbeatrm.core.spi.AgentStore#renew}
 * locks the agent and the judge runs:
 * <ol>
 * <li><b>agent</b>: it exists and holds the presented key. Only a request that fails here can be stopped by its
 * address's throttle ({@code renew:ADDRESS}): an agent that proves its identity is never throttled.</li>
 * <li><b>credential</b>: the presented credential verified and names this agent and key.</li>
 * <li><b>credential key</b>: the presented credential's signing key still exists.</li>
 * <li><b>status</b>: disabled and locked agents are refused; a pending agent past its approval deadline is
 * disabled (and refused); a pending agent polls.</li>
 * <li><b>replay</b>: a nonce seen before is refused, except the nonce of the renewal that issued the agent's current
 * generation, presented with the generation before it: that is the same renewal, resent because its answer was
 * lost, and it gets the credential that renewal was given: the same generation, issue time and expiry (so a
 * captured renewal replayed later gets nothing new; when that expiry has passed, the agent renews again at once,
 * presenting it).</li>
 * <li><b>clock</b> ({@link Possession}).</li>
 * <li><b>generation</b>: the presented generation is the agent's current one, and the next is issued. An older
 * one means two copies of one identity renewed: the agent is locked in the same step, with an audit event, and
 * every copy is refused until an admin unlocks it.</li>
 * <li><b>attestation</b>: an agent without a verified TPM attestation whose group requires one (the setting was
 * turned on, or inherited, after it enrolled) is refused {@code attestation_required}, its renewals and its polls
 * alike: a group that requires attestation holds only attested agents with live credentials. It comes last, so that
 * a clone is locked first.</li>
 * </ol>
 * The new generation, the renewal nonce and the lock are written in the step's one transaction; the credential is
 * minted from the facts (group path for its TTL, active signing key id for the cached key).
 */
final class RenewalPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(RenewalPipeline.class);

    private final HeartbeatStore store;
    private final SigningKeys keys;
    private final AgentCredentials credentials;
    private final Denials denials;
    private final EnrollmentPolicy policy;
    private final List<Step<Evidence>> beforeStore = List.of(
            new Step<>("request", this::parse),
            new Step<>("proof of possession", this::proofVerifies),
            new Step<>("credential", this::readCredential));
    private final List<Step<Evidence>> inStore = List.of(
            new Step<>("agent", this::agentHoldsTheKey),
            new Step<>("credential", this::credentialNamesThisAgent),
            new Step<>("credential key", this::credentialKeyExists),
            new Step<>("status", this::statusAllows),
            new Step<>("replay", this::freshOrRetry),
            new Step<>("clock", this::clockAgrees),
            new Step<>("generation", this::generationIsCurrent),
            new Step<>("attestation", this::attestationHeld));

    RenewalPipeline(HeartbeatStore store, SigningKeys keys, AgentCredentials credentials, Denials denials, EnrollmentPolicy policy) {
        this.store = store;
        this.keys = keys;
        this.credentials = credentials;
        this.denials = denials;
        this.policy = policy;
    }

    /**
     * What the pipeline knows about one renewal so far. What a step fills in is null before it: the accessors
     * {@link #request()}, {@link #attempt()}, {@link #facts()}, {@link #agent()} and {@link #verdict()} are for the steps after the one that fills them, and
     * throw if a step is out of order; a denial reads the fields, where null says how far the request got. {@code agent}
     * is null until the identity step found it, {@code verdict} until a step decided one.
     */
    record Evidence(RequestContext ctx, byte[] body, @Nullable RenewalRequest request, long presentedGeneration, Optional<String> credentialKeyId,
            Optional<String> credentialRefusal, @Nullable RenewalAttempt attempt, @Nullable RenewalFacts facts, @Nullable Agent agent,
            @Nullable RenewalVerdict verdict, Optional<Instant> blockedUntil) {
        static Evidence of(byte[] body, RequestContext ctx) {
            return new Evidence(ctx, body, null, 0, Optional.empty(), Optional.empty(), null, null, null, null, Optional.empty());
        }

        Evidence withRequest(RenewalRequest r) {
            return new Evidence(ctx, body, r, presentedGeneration, credentialKeyId, credentialRefusal, attempt, facts, agent, verdict, blockedUntil);
        }

        Evidence withCredential(long generation, Optional<String> keyId, Optional<String> refusal, RenewalAttempt a) {
            return new Evidence(ctx, body, request, generation, keyId, refusal, a, facts, agent, verdict, blockedUntil);
        }

        Evidence withFacts(RenewalFacts f) {
            return new Evidence(ctx, body, request, presentedGeneration, credentialKeyId, credentialRefusal, attempt, f, agent, verdict, blockedUntil);
        }

        Evidence withAgent(Agent a) {
            return new Evidence(ctx, body, request, presentedGeneration, credentialKeyId, credentialRefusal, attempt, facts, a, verdict, blockedUntil);
        }

        Evidence deciding(RenewalVerdict v) {
            return new Evidence(ctx, body, request, presentedGeneration, credentialKeyId, credentialRefusal, attempt, facts, agent, v, blockedUntil);
        }

        Evidence blocked(Instant until) {
            return new Evidence(ctx, body, request, presentedGeneration, credentialKeyId, credentialRefusal, attempt, facts, agent, verdict, Optional.of(until));
        }

        @Override
        public RenewalRequest request() {
            return Steps.filled(request, "request");
        }

        @Override
        public RenewalAttempt attempt() {
            return Steps.filled(attempt, "attempt");
        }

        @Override
        public RenewalFacts facts() {
            return Steps.filled(facts, "facts");
        }

        @Override
        public Agent agent() {
            return Steps.filled(agent, "agent");
        }

        @Override
        public RenewalVerdict verdict() {
            return Steps.filled(verdict, "verdict");
        }

        InetAddress address() {
            return ctx.remoteAddress();
        }
    }


    RenewalResult renew(byte[] body, RequestContext ctx) {
        Decision<Evidence> before = Steps.run(beforeStore, Evidence.of(body, ctx), Trace.NONE);
        if (before instanceof Deny<Evidence> d) {
            return denied(d);
        }
        Evidence verified = ((Pass<Evidence>) before).evidence();
        Committed<RenewalCommit, Judgement> done = store.agents().judgeAndRenew(verified.attempt(), facts -> judge(verified.withFacts(facts)));
        RenewalCommit commit = done.commit();
        Decision<Evidence> decision = done.judged().decision();
        if (commit instanceof RenewalCommit.Replayed) {
            Evidence e = decision instanceof Pass<Evidence> p ? p.evidence() : ((Deny<Evidence>) decision).evidence();
            return denied(Steps.deny(DenialReason.REPLAYED, "nonce already used", e));
        }
        if (decision instanceof Deny<Evidence> d) {
            return denied(d);
        }
        Evidence e = ((Pass<Evidence>) decision).evidence();
        Agent agent = ((RenewalCommit.Applied) commit).agent();
        var placement = EnrollmentPipeline.placement(agent, e.facts().organization().orElseThrow().name(), e.facts().groupPath());
        if (e.verdict instanceof RenewalVerdict.Poll) {
            return new Pending(agent, placement);
        }
        // The generation's own issue time: a resent renewal gets the credential it was given, never a later expiry.
        AgentCredentials.Minted c = credentials.mint(agent, () -> EffectiveSettings.resolve(e.facts().groupPath()), e.facts().activeSigningKeyId());
        return new RenewalResult.Renewed(agent, c.renewed(placement, agent.credentialGeneration()));
    }

    /** The in-store steps' decision, and the verdict the store acts on. */
    private record Judgement(Decision<Evidence> decision, RenewalVerdict verdict) implements Judged<RenewalVerdict> {
    }

    /** The in-store steps, as the store's judge: a pure function of the evidence and the facts. */
    private Judgement judge(Evidence e) {
        Decision<Evidence> d = Steps.run(inStore, e, Trace.NONE);
        if (d instanceof Deny<Evidence> deny) {
            return new Judgement(d, deny.evidence().verdict instanceof RenewalVerdict.Change change ? change : new RenewalVerdict.Deny());
        }
        return new Judgement(d, ((Pass<Evidence>) d).evidence().verdict());
    }

    private RenewalResult denied(Deny<Evidence> d) {
        Evidence e = d.evidence();
        Instant now = e.ctx.receivedAt();
        // Only a request that did not prove an agent's identity counts against its address.
        if (d.reason() != DenialReason.THROTTLED && e.agent == null) {
            denials.countFailure(ThrottleBuckets.renewFrom(e.address()), now, policy.addressThreshold());
        }
        if (e.facts != null && e.facts.agent().isPresent()) {
            Agent a = e.facts().agent().get();
            // A lock or an expiry carries its own audit event; any other refusal of a known agent gets this one.
            if (!(e.verdict instanceof RenewalVerdict.Change)) {
                denials.refused(AuditEvent.of(now, a.organizationId(), Actor.SYSTEM, AuditAction.CREDENTIAL_RENEWAL_DENIED, Subject.of(a.id()),
                        Map.of(), Map.of("outcome", d.reason().name(), "sourceAddress", e.address().getHostAddress())), e.address());
            }
        } else {
            denials.logUnverified("renewal", d.reason(), e.address());
        }
        Optional<Duration> retry = e.blockedUntil.map(until -> Duration.between(now, until)).filter(r -> !r.isNegative());
        return new Denied(d.reason(), retry);
    }

    // ---------------------------------------------------------------------------------------------- steps

    private Decision<Evidence> parse(Evidence e) {
        try {
            RenewalRequest r = RenewalRequest.parse(e.body);
            return Steps.pass(e.withRequest(r), () -> "agent " + r.agentId());
        } catch (RequestException ex) {
            return unproven(e, DenialReason.of(ex.problem()), Objects.requireNonNullElse(ex.getMessage(), "malformed request"));
        }
    }

    private Decision<Evidence> proofVerifies(Evidence e) {
        Decision<Evidence> d = Possession.proof(e, e.request().proofVerifies(BcEd25519.PLAIN));
        return d instanceof Deny<Evidence> deny ? unproven(e, deny.reason(), deny.detail()) : d;
    }

    /** A refusal before the agent's identity is proven: when this address is blocked for such requests, "slow down". */
    private Decision<Evidence> unproven(Evidence e, DenialReason reason, String detail) {
        Optional<Instant> blocked = store.throttles().blockedUntil(ThrottleBuckets.renewFrom(e.address()), e.ctx.receivedAt());
        return blocked.isPresent() ? Steps.deny(DenialReason.THROTTLED, "blocked until " + blocked.get() + " (" + reason + ")", e.blocked(blocked.get()))
                : Steps.deny(reason, detail, e);
    }

    /**
     * Verifies the presented credential against this agent and key, and remembers what it found: a credential that
     * does not verify, or is another agent's, is refused by {@link #credentialNamesThisAgent} once the agent step has
     * found the agent, so that an agent that does not exist is always {@code agent_not_found}.
     */
    private Decision<Evidence> readCredential(Evidence e) {
        long generation = 0;
        Optional<String> kid = Optional.empty();
        Optional<String> refusal = Optional.empty();
        if (e.request().credential().isPresent()) {
            try {
                VerifiedCredential v = credentials.verify(e.request().credential().get(), keys::cachedPublicKey);
                CredentialClaims c = v.claims();
                if (!c.agentId().equals(e.request().agentId()) || !c.organizationId().equals(e.request().organizationId())
                        || !c.publicKeyFingerprint().equals(e.request().publicKeyFingerprint())) {
                    refusal = Optional.of("the presented credential is another agent's");
                } else {
                    kid = Optional.of(v.signingKeyId());
                    generation = c.generation();
                }
            } catch (TokenException ex) {
                refusal = Optional.of("the presented credential does not verify: " + ex.reason());
            }
        }
        RenewalAttempt attempt = new RenewalAttempt(OrganizationId.parse(e.request().organizationId()), AgentId.parse(e.request().agentId()),
                e.request().publicKeyFingerprint(), kid, e.request().nonce(), Possession.nonceExpiry(e.request().timestamp(), policy.maxClockSkew()),
                e.ctx.receivedAt(), Optional.of(ThrottleBuckets.renewFrom(e.address())));
        long presented = generation;
        Optional<String> refused = refusal;
        return Steps.pass(e.withCredential(generation, kid, refusal, attempt), () -> refused.map(r -> "to be refused: " + r)
                .orElse(presented == 0 ? "no credential yet" : "generation " + presented));
    }

    private Decision<Evidence> credentialNamesThisAgent(Evidence e) {
        return e.credentialRefusal.isPresent() ? Steps.deny(DenialReason.CREDENTIAL_INVALID, e.credentialRefusal.get(), e)
                : Steps.pass(e, () -> e.presentedGeneration == 0 ? "no credential yet" : "generation " + e.presentedGeneration + " of this agent");
    }

    private Decision<Evidence> agentHoldsTheKey(Evidence e) {
        Optional<Agent> found = e.facts().agent();
        DenialReason unproven = found.isEmpty() ? DenialReason.AGENT_NOT_FOUND
                : !found.get().publicKeyFingerprint().equals(e.attempt().agentFingerprint())
                        || !found.get().keyType().wireName().equals(e.request().keyAlgorithm().wireName()) ? DenialReason.BAD_PROOF : null;
        if (unproven != null) {
            Optional<Instant> blocked = e.facts().blockedUntil();
            return blocked.isPresent() ? Steps.deny(DenialReason.THROTTLED, "blocked until " + blocked.get() + " (" + unproven + ")",
                    e.blocked(blocked.get())) : Steps.deny(unproven, "agent " + e.attempt().agent() + ": " + unproven, e);
        }
        return Steps.pass(e.withAgent(found.get()), () -> "agent " + found.get().id() + " holds the presented " + found.get().keyType().wireName() + " key");
    }

    private Decision<Evidence> credentialKeyExists(Evidence e) {
        return e.credentialKeyId.isEmpty() || e.facts().credentialSigningKeyKnown() ? Steps.pass(e, () -> "signing key known")
                : Steps.deny(DenialReason.CREDENTIAL_INVALID, "the presented credential's signing key was removed", e);
    }

    private Decision<Evidence> statusAllows(Evidence e) {
        Agent a = e.agent();
        Instant now = e.ctx.receivedAt();
        return switch (a.status()) {
            case DISABLED -> Steps.deny(DenialReason.AGENT_DISABLED, "agent " + a.id() + " is disabled", e);
            case LOCKED -> Steps.deny(DenialReason.AGENT_LOCKED, "agent " + a.id() + " is locked", e);
            case PENDING -> now.isBefore(a.enrolledAt().plus(policy.pendingTtl()))
                    ? Steps.pass(e.deciding(new RenewalVerdict.Poll()), () -> "pending approval")
                    : Steps.deny(DenialReason.PENDING_EXPIRED, "approval not given within " + policy.pendingTtl(), e.deciding(
                            new RenewalVerdict.Change(AgentStatus.DISABLED, Agents.expiryEvent(a, now, policy.pendingTtl()))));
            case ACTIVE -> Steps.pass(e, () -> "active");
        };
    }

    private Decision<Evidence> freshOrRetry(Evidence e) {
        Agent a = e.agent();
        boolean resent = e.facts().lastRenewalNonce().filter(n -> n.equals(e.attempt().nonce())).isPresent()
                && a.status() == AgentStatus.ACTIVE && e.presentedGeneration == a.credentialGeneration() - 1;
        if (resent) {
            return Steps.pass(e.deciding(new RenewalVerdict.Retry()), () -> "the renewal that issued generation " + a.credentialGeneration()
                    + ", resent");
        }
        return Possession.replay(e, e.facts().nonceSeen());
    }

    private Decision<Evidence> clockAgrees(Evidence e) {
        return e.verdict instanceof RenewalVerdict.Retry ? Steps.pass(e, () -> "a resent renewal: its time was checked when it was first accepted")
                : Possession.clock(e, e.request().timestamp(), e.ctx.receivedAt(), policy.maxClockSkew());
    }

    private Decision<Evidence> generationIsCurrent(Evidence e) {
        if (e.verdict != null) {
            return Steps.pass(e, () -> e.verdict instanceof RenewalVerdict.Poll ? "no credential while pending" : "issued before");
        }
        Agent a = e.agent();
        long current = a.credentialGeneration();
        long presented = e.presentedGeneration;
        if (presented < current) {
            AuditEvent lock = AuditEvent.of(e.ctx.receivedAt(), a.organizationId(), Actor.SYSTEM, AuditAction.AGENT_LOCKED, Subject.of(a.id()),
                    Map.of("status", a.status().name()), Map.of("status", AgentStatus.LOCKED.name(), "reason",
                            "clone: a renewal proved credential generation " + presented + " but the agent is at " + current,
                            "sourceAddress", e.address().getHostAddress(), "presentedGeneration", Long.toString(presented),
                            "currentGeneration", Long.toString(current)));
            return Steps.deny(DenialReason.CLONE_DETECTED, "generation " + presented + " is older than " + current,
                    e.deciding(new RenewalVerdict.Change(AgentStatus.LOCKED, lock)));
        }
        if (presented > current) {
            // Only this server issues generations: a newer one means its store went back in time (a restore).
            LOG.warn("agent {} presented credential generation {} above the stored {}; continuing from it", a.id(), presented, current);
        }
        long next = Math.max(presented, current) + 1;
        return Steps.pass(e.deciding(new RenewalVerdict.Renew(next, EffectiveSettings.resolve(e.facts().groupPath()).agentCredentialTtl())), () -> "generation " + presented + " is current; issuing " + next);
    }

    /**
     * An agent enrolled without attestation, in a group that requires it now, gets no new credential (nor approval
     * by polling). Attested agents, and paths on which no group overrides the setting (the default is none), read no
     * settings here; otherwise the path the facts already hold is resolved: no query.
     */
    private Decision<Evidence> attestationHeld(Evidence e) {
        Agent a = e.agent();
        if (a.attestation().isPresent()) {
            return Steps.pass(e, () -> "TPM-attested");
        }
        List<Group> path = e.facts().groupPath();
        if (path.stream().noneMatch(g -> g.settings().override(SecuritySetting.ATTESTATION).isPresent())
                || EffectiveSettings.resolve(path).attestation() != AttestationRequirement.TPM) {
            return Steps.pass(e, () -> "not attested; the group does not require it");
        }
        return Steps.deny(DenialReason.ATTESTATION_REQUIRED, "agent " + a.id() + " is not TPM-attested and its group requires it", e);
    }
}
