package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.spi.Committed;
import com.heartbeatrm.core.spi.Judged;

import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentResponse.Placement;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.RequestException;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentKeyType;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.EffectiveSettings;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.Groups;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.enrollment.Steps.Decision;
import com.heartbeatrm.enrollment.Steps.Deny;
import com.heartbeatrm.enrollment.Steps.Pass;
import com.heartbeatrm.enrollment.Steps.Step;
import com.heartbeatrm.enrollment.Steps.Trace;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Enrollment: what a new agent presents becomes an agent identity, or a typed refusal.
 *
 * <h2>Design</h2>
 * One pipeline of named steps, cheapest and least trusting first, then one store transaction, then the answer. Each
 * step looks at an immutable {@link Evidence} and passes it on, enriched, or denies with a {@link DenialReason}:
 * <ol>
 * <li><b>request</b>: a strict, bounded parse of the body ({@link EnrollmentRequest#parse}).</li>
 * <li><b>token</b>: the signature against the signing keys (public keys cached by id; whether the key still exists is
 * read in the transaction), the purpose, the expiry, the issuer. Only a request that fails here can be stopped by
 * its address's throttle ({@code enroll:ADDRESS}, see {@link ThrottleBuckets}): garbage never stops an agent with a
 * genuine installer behind the same address.</li>
 * <li><b>proof of possession</b> and <b>clock</b> ({@link Possession}, shared with renewal).</li>
 * </ol>
 * Then {@link com.heartbeatrm.core.spi.AgentStore#enroll} reads, in one transaction, everything the rest needs (the
 * installer record, the access key, its group path, an agent with the same public key, the key-from-this-address
 * throttle, the nonce, the active signing key's id) and lets the judge run the remaining steps on it:
 * <ol start="4">
 * <li><b>signing key</b> still exists; <b>throttling</b>: this key is not blocked from this address;</li>
 * <li><b>identity</b>: an agent key that an agent already holds repeats that agent's enrollment only while it has
 * not moved past its first credential (pending, or generation 1 at most); past that the request presents a copy, and
 * the agent is locked in this same transaction (with its audit event), whichever installer came with it;</li>
 * <li><b>installer</b>: recorded for this key and signing key, not revoked; <b>access key</b>: exists, enabled,
 * unexpired, not exhausted (an agent whose first, exhausting enrollment lost its answer gets its agent back, with
 * the credential its first answer held: same issue time, same expiry);</li>
 * <li><b>restrictions</b>: the key's and its group's effective networks and platforms, and the token's platform;</li>
 * <li><b>replay</b>: the nonce is new (it is remembered in the same transaction).</li>
 * </ol>
 * The store counts the use only if the key still admits it at commit (a conditional update), so a key disabled
 * through any node is refused at once, and a use count never passes its maximum. The answer is built from what the
 * pipeline already holds: the credential's TTL and the group path come from the facts, the signing key from a cache
 * checked against the active key's id in the facts. Every decision after the token verified is an audit event of
 * the token's organization; denials before that have no trustworthy organization and are only counted and logged.
 * {@link #explain} runs the same steps on the same facts, read without a transaction, and stores nothing.
 */
final class EnrollmentPipeline {
    /**
     * Denials that suggest someone is working against a key with a genuine installer: they count against the key
     * from that address ({@code key:KEY@ADDRESS}). A key's own state (disabled, expired, revoked installer) is
     * certain and shown to the user instead.
     */
    private static final Set<DenialReason> SUSPECT = EnumSet.of(DenialReason.BAD_PROOF, DenialReason.REPLAYED, DenialReason.CLOCK_SKEW,
            DenialReason.NETWORK_NOT_ALLOWED, DenialReason.PLATFORM_NOT_ALLOWED, DenialReason.ATTESTATION_INVALID);

    private final HeartbeatStore store;
    private final HeartbeatAdmin admin;
    private final AgentCredentials credentials;
    private final Denials denials;
    private final String issuer;
    private final EnrollmentPolicy policy;
    private final EnrollmentTokenVerifier verifier;
    private final Attestations attestations;
    private final List<Step<Evidence>> beforeStore = List.of(
            new Step<>("request", this::parse),
            new Step<>("token", this::verifyToken),
            new Step<>("proof of possession", e -> keyBlockedFirst(e, Possession.proof(e, e.request().proofVerifies(BcEd25519.PLAIN)))),
            new Step<>("clock", e -> keyBlockedFirst(e, clockAgrees(e))),
            new Step<>("attestation", this::attested));
    private final List<Step<Evidence>> inStore = List.of(
            new Step<>("signing key", this::signingKeyExists),
            new Step<>("throttling", this::notThrottled),
            new Step<>("identity", this::oneIdentity),
            new Step<>("installer", this::installerRecorded),
            new Step<>("access key", this::keyAdmits),
            new Step<>("attestation required", Attestations::required),
            new Step<>("restrictions", this::restrictionsAllow),
            new Step<>("replay", e -> e.existing != null ? Steps.pass(e, () -> "a retry of an earlier enrollment")
                    : Possession.replay(e, e.facts().nonceSeen())));

    EnrollmentPipeline(HeartbeatStore store, HeartbeatAdmin admin, SigningKeys keys, AgentCredentials credentials, Denials denials,
            String issuer, EnrollmentPolicy policy, Clock clock, Attestations attestations) {
        this.store = store;
        this.attestations = attestations;
        this.admin = admin;
        this.credentials = credentials;
        this.denials = denials;
        this.issuer = issuer;
        this.policy = policy;
        this.verifier = EnrollmentTokenVerifier.builder(keys::cachedPublicKey).clock(clock).ed25519(BcEd25519.TOKENS).build();
    }

    /**
     * What the pipeline knows about one request so far. Each step returns a copy with what it learned. What a step
     * fills in is null before it: the accessors {@link #request()}, {@link #token()}, {@link #attempt()},
     * {@link #facts()} and {@link #settings()} are for the steps after the one that fills them, and throw if a step is
     * out of order; a denial reads the fields, where null says how far the request got. {@code existing} (the agent
     * this request repeats) and {@code lock} (a copied key's lock) are null unless they apply.
     */
    record Evidence(RequestContext ctx, byte[] body, @Nullable EnrollmentRequest request, @Nullable VerifiedEnrollmentToken token,
            @Nullable EnrollmentAttempt attempt, @Nullable EnrollmentFacts facts, @Nullable EffectiveSettings settings,
            @Nullable Agent existing, EnrollmentVerdict.@Nullable Lock lock, Optional<Instant> blockedUntil,
            Attestations.@Nullable Attested attested) {
        static Evidence of(byte[] body, RequestContext ctx) {
            return new Evidence(ctx, body, null, null, null, null, null, null, null, Optional.empty(), null);
        }

        /** The TPM the agent key was proven to live in. */
        Evidence attested(Attestations.Attested a) {
            return new Evidence(ctx, body, request, token, attempt, facts, settings, existing, lock, blockedUntil, a);
        }

        Evidence withRequest(EnrollmentRequest r) {
            return new Evidence(ctx, body, r, token, attempt, facts, settings, existing, lock, blockedUntil, attested);
        }

        Evidence withToken(VerifiedEnrollmentToken t, EnrollmentAttempt a) {
            return new Evidence(ctx, body, request, t, a, facts, settings, existing, lock, blockedUntil, attested);
        }

        Evidence withFacts(EnrollmentFacts f) {
            return new Evidence(ctx, body, request, token, attempt, f, settings, existing, lock, blockedUntil, attested);
        }

        /** The agent that already holds the presented key, and whose enrollment this request repeats. */
        Evidence retryOf(Agent agent) {
            return new Evidence(ctx, body, request, token, attempt, facts, settings, agent, lock, blockedUntil, attested);
        }

        Evidence withSettings(EffectiveSettings s) {
            return new Evidence(ctx, body, request, token, attempt, facts, s, existing, lock, blockedUntil, attested);
        }

        Evidence locking(EnrollmentVerdict.@Nullable Lock l) {
            return new Evidence(ctx, body, request, token, attempt, facts, settings, existing, l, blockedUntil, attested);
        }

        Evidence blocked(Instant until) {
            return new Evidence(ctx, body, request, token, attempt, facts, settings, existing, lock, Optional.of(until), attested);
        }

        @Override
        public EnrollmentRequest request() {
            return Steps.filled(request, "request");
        }

        @Override
        public VerifiedEnrollmentToken token() {
            return Steps.filled(token, "token");
        }

        @Override
        public EnrollmentAttempt attempt() {
            return Steps.filled(attempt, "attempt");
        }

        @Override
        public EnrollmentFacts facts() {
            return Steps.filled(facts, "facts");
        }

        @Override
        public EffectiveSettings settings() {
            return Steps.filled(settings, "settings");
        }

        EnrollmentClaims claims() {
            return token().claims();
        }

        InetAddress address() {
            return ctx.remoteAddress();
        }
    }

    // ---------------------------------------------------------------------------------------------- the run

    EnrollmentResult enroll(byte[] body, RequestContext ctx) {
        Decision<Evidence> before = Steps.run(beforeStore, Evidence.of(body, ctx), Trace.NONE);
        if (before instanceof Deny<Evidence> d) {
            return denied(d);
        }
        Evidence verified = ((Pass<Evidence>) before).evidence();
        Committed<EnrollmentCommit, Judgement> done = store.agents().judgeAndEnroll(verified.attempt(), facts -> judge(verified.withFacts(facts), Trace.NONE));
        EnrollmentCommit commit = done.commit();
        Decision<Evidence> decision = done.judged().decision();
        if (commit instanceof EnrollmentCommit.Denied || commit instanceof EnrollmentCommit.Locked) {
            return denied((Deny<Evidence>) decision);
        }
        if (commit instanceof EnrollmentCommit.DeniedAtCommit r && decision instanceof Pass<Evidence> retried
                && Attestations.lostAnswer(retried.evidence(), r.reason() == EnrollmentCommit.Reason.REPLAYED)) {
            // The attested enrollment of this very key and TPM, sent again because its answer was lost: answered as a
            // plain enrollment's retry is, with the agent the store holds (its challenge's nonce is already remembered).
            return answer(Objects.requireNonNull(retried.evidence().existing, "a retry names its agent"), retried.evidence());
        }
        if (commit instanceof EnrollmentCommit.DeniedAtCommit r) {
            // The store's own checks come first (a nonce seen before, a key changed at commit): a replayed request
            // is refused as one, and locks nothing, whatever the judge would have decided on it.
            Evidence e = decision instanceof Pass<Evidence> p ? p.evidence() : ((Deny<Evidence>) decision).evidence().locking(null);
            return denied(Steps.deny(refusedAtCommit(r.reason()), "refused at commit: " + r.reason(), e));
        }
        Evidence e = ((Pass<Evidence>) decision).evidence();
        Agent agent = commit instanceof EnrollmentCommit.Enrolled en ? en.agent() : ((EnrollmentCommit.AlreadyEnrolled) commit).existing();
        return answer(agent, e);
    }

    /** The in-store steps' decision, and the verdict the store acts on. */
    private record Judgement(Decision<Evidence> decision, EnrollmentVerdict verdict) implements Judged<EnrollmentVerdict> {
    }

    /** The in-store steps, as the store's judge: a pure function of the evidence and the facts. */
    private Judgement judge(Evidence e, Trace trace) {
        Decision<Evidence> d = Steps.run(inStore, e, trace);
        if (d instanceof Deny<Evidence> deny) {
            EnrollmentVerdict.Lock lock = deny.evidence().lock;
            return new Judgement(d, lock != null ? lock : new EnrollmentVerdict.Deny());
        }
        Evidence done = ((Pass<Evidence>) d).evidence();
        if (done.existing != null) {
            return new Judgement(d, new EnrollmentVerdict.Existing(done.existing));
        }
        Optional<TpmReplacement> replaced = TpmReplacement.of(done.facts().sameMachine(), done.attested);
        Agent agent = newAgent(done, replaced.isPresent());
        AuditEvent event = denials.decisionEvent(done.ctx, agent.organizationId(), AuditAction.AGENT_ENROLLED, agent.id(), done.attempt().key(),
                done.attempt().installer(), agent.groupId(), agent.status().name(), done.attempt().agentFingerprint());
        event = done.attested == null ? event : done.attested.audited(event);
        return new Judgement(d, new EnrollmentVerdict.Admit(agent, replaced.isPresent() ? replaced.get().audited(event) : event));
    }

    private Agent newAgent(Evidence e, boolean tpmReplaced) {
        // An attested agent skips the approval queue only where its group says so; one whose machine had another TPM never.
        boolean approval = tpmReplaced || (e.settings().requireApproval() && !(e.attested != null && e.settings().attestedSkipsApproval()));
        AccessKey key = e.facts().key().orElseThrow();
        return new Agent(AgentId.random(), e.attempt().organization(), key.groupId(), approval ? AgentStatus.PENDING : AgentStatus.ACTIVE,
                e.ctx.receivedAt(), key.id(), Optional.of(e.attempt().installer()), e.request().facts().hostname(),
                Platform.parse(e.request().facts().platform()), e.attempt().agentFingerprint(),
                AgentKeyType.ofWireName(e.request().keyAlgorithm().wireName()).orElseThrow(), e.ctx.receivedAt(), approval ? 0 : 1,
                approval ? Optional.empty() : Optional.of(e.ctx.receivedAt()),
                approval ? Optional.empty() : Optional.of(e.ctx.receivedAt().plus(e.settings().agentCredentialTtl())),
                Optional.ofNullable(e.attested).map(a -> a.at(e.ctx.receivedAt())), e.request().facts().machineFingerprint(), 0);
    }

    /**
     * The answer for the agent the store holds now: a credential, a wait, or a refusal for its state. The credential
     * is the one its generation was issued with (same issue time, so the same expiry): an enrollment repeated because
     * its answer was lost, or replayed by someone who captured it, gets nothing the first answer did not hold.
     */
    private EnrollmentResult answer(Agent agent, Evidence e) {
        List<Group> path = agent.groupId().equals(e.facts().key().map(AccessKey::groupId).orElse(null)) ? e.facts().groupPath()
                : admin.groups().pathFromRoot(agent.organizationId(), agent.groupId());
        Placement placement = placement(agent, e.facts().organization().map(o -> o.name()).orElseThrow(), path);
        return switch (agent.status()) {
            // Approved while its first answer was lost: it learns its agent id, and its first poll gets generation 1.
            case PENDING -> new Pending(agent, placement);
            case ACTIVE -> agent.credentialGeneration() == 0 ? new Pending(agent, placement) : enrolled(agent, path, placement, e);
            case DISABLED -> denied(Steps.deny(DenialReason.AGENT_DISABLED, "agent " + agent.id() + " is disabled", e));
            case LOCKED -> denied(Steps.deny(DenialReason.AGENT_LOCKED, "agent " + agent.id() + " is locked", e));
        };
    }

    private EnrollmentResult enrolled(Agent agent, List<Group> path, Placement placement, Evidence e) {
        AgentCredentials.Minted c = credentials.mint(agent, () -> EffectiveSettings.resolve(path), e.facts().activeSigningKeyId());
        return new EnrollmentResult.Enrolled(agent, c.enrolled(placement, agent.credentialGeneration()));
    }

    static Placement placement(Agent agent, String organizationName, List<Group> path) {
        String text = Groups.pathText(path);
        if (text.length() > com.heartbeatrm.protocol.EnrollmentResponse.MAX_GROUP_PATH) {
            text = "…" + text.substring(text.length() - com.heartbeatrm.protocol.EnrollmentResponse.MAX_GROUP_PATH + 1);
        }
        return new Placement(agent.id().value(), agent.organizationId().value(), organizationName, text);
    }

    private EnrollmentResult denied(Deny<Evidence> d) {
        Evidence e = d.evidence();
        Optional<Duration> retry = e.blockedUntil.map(until -> Duration.between(e.ctx.receivedAt(), until));
        if (d.reason() != DenialReason.THROTTLED) {
            if (e.token == null || !SUSPECT.contains(d.reason())) {
                denials.countFailure(ThrottleBuckets.enrollFrom(e.address()), e.ctx.receivedAt(), policy.addressThreshold());
            } else {
                denials.countKeyFailure(e.attempt().organization(), e.attempt().key(), e.address(), e.ctx.receivedAt());
            }
        }
        if (e.token == null) {
            denials.logUnverified("enrollment", d.reason(), e.address());
        } else if (e.lock == null) {
            denials.refused(denials.decisionEvent(e.ctx, e.attempt().organization(), AuditAction.ENROLLMENT_DENIED, null, e.attempt().key(),
                    e.attempt().installer(), e.facts == null ? null : e.facts().key().map(AccessKey::groupId).orElse(null), d.reason().name(),
                    e.attempt().agentFingerprint()), e.address());
        }
        return new Denied(d.reason(), retry.filter(r -> !r.isNegative()));
    }

    // -------------------------------------------------------------------------------------------- dry run

    /** The same steps on facts read now, storing nothing: no key use, nonce, throttle count, agent or audit event. */
    DryRun explain(byte[] body, RequestContext ctx) {
        Trace trace = Trace.recording();
        Decision<Evidence> before = Steps.run(beforeStore, Evidence.of(body, ctx), trace);
        if (before instanceof Deny<Evidence> d) {
            return dryRun(trace, DryRun.Conclusion.WOULD_DENY, Optional.of(d.reason()), Optional.empty());
        }
        Evidence verified = ((Pass<Evidence>) before).evidence();
        Judgement judged = judge(verified.withFacts(store.agents().enrollmentFacts(verified.attempt())), trace);
        EnrollmentVerdict v = judged.verdict();
        if (judged.decision() instanceof Deny<Evidence> d) {
            return dryRun(trace, DryRun.Conclusion.WOULD_DENY, Optional.of(d.reason()), d.evidence().facts().key().map(AccessKey::groupId));
        }
        Evidence e = ((Pass<Evidence>) judged.decision()).evidence();
        if (v instanceof EnrollmentVerdict.Existing x) {
            trace.passed("enrollment", () -> "already enrolled as " + x.agent().id() + "; no second use counted");
            return dryRun(trace, DryRun.Conclusion.ALREADY_ENROLLED, Optional.empty(), Optional.of(x.agent().groupId()));
        }
        Agent would = ((EnrollmentVerdict.Admit) v).agent();
        trace.passed("enrollment", () -> "would land in " + Groups.pathText(e.facts().groupPath()) + " as " + would.status());
        return dryRun(trace, would.status() == AgentStatus.PENDING ? DryRun.Conclusion.WOULD_ENROLL_PENDING_APPROVAL : DryRun.Conclusion.WOULD_ENROLL,
                Optional.empty(), Optional.of(would.groupId()));
    }

    private DryRun dryRun(Trace trace, DryRun.Conclusion outcome, Optional<DenialReason> denial, Optional<com.heartbeatrm.core.GroupId> group) {
        List<DryRun.Check> checks = new ArrayList<>(trace.checks());
        List<String> all = new ArrayList<>(Steps.names(beforeStore));
        all.addAll(Steps.names(inStore));
        all.add("enrollment");
        for (String name : all) {
            if (checks.stream().noneMatch(c -> c.name().equals(name))) {
                checks.add(new DryRun.Check(name, DryRun.Status.NOT_REACHED, ""));
            }
        }
        return new DryRun(checks, outcome, denial, group);
    }

    // ---------------------------------------------------------------------------------------------- steps

    private Decision<Evidence> parse(Evidence e) {
        try {
            EnrollmentRequest r = EnrollmentRequest.parse(e.body);
            return Steps.pass(e.withRequest(r), () -> r.facts().hostname() + " (" + r.facts().platform() + ")");
        } catch (RequestException ex) {
            return unverified(e, DenialReason.of(ex.problem()), Objects.requireNonNullElse(ex.getMessage(), "malformed request"));
        }
    }

    private Decision<Evidence> verifyToken(Evidence e) {
        VerifiedEnrollmentToken t;
        try {
            t = verifier.verify(e.request().token());
        } catch (TokenException ex) {
            return unverified(e, DenialReason.of(ex.reason()), Objects.requireNonNullElse(ex.getMessage(), "token refused"));
        }
        EnrollmentClaims c = t.claims();
        EnrollmentAttempt attempt = new EnrollmentAttempt(OrganizationId.parse(c.organizationId()), InstallerId.parse(c.installerId()),
                AccessKeyId.parse(c.accessKeyId()), t.signingKeyId(), e.request().publicKeyFingerprint(), e.request().nonce(),
                Possession.nonceExpiry(e.request().timestamp(), policy.maxClockSkew()), e.ctx.receivedAt(),
                Optional.of(ThrottleBuckets.keyFrom(AccessKeyId.parse(c.accessKeyId()), e.address())), Optional.empty(),
                // The store reads the machine's agents only for the replaced-TPM rule: an attested enrollment's attempt
                // carries the fingerprint (Attestations#verify), a plain one does not, and costs no query. The new agent
                // keeps what the request reported either way.
                Optional.empty());
        Evidence verified = e.withToken(t, attempt);
        if (!c.issuer().equals(issuer)) {
            return Steps.deny(DenialReason.WRONG_ISSUER, "the token names another issuer", verified);
        }
        return Steps.pass(verified, () -> "installer " + c.installerId() + " for key " + c.accessKeyId() + ", signed by " + t.signingKeyId());
    }

    /**
     * A refusal before the token verified: when this address is blocked for such requests, the answer is "slow
     * down", whatever else is wrong.
     */
    private Decision<Evidence> unverified(Evidence e, DenialReason reason, String detail) {
        Optional<Instant> blocked = store.throttles().blockedUntil(ThrottleBuckets.enrollFrom(e.address()), e.ctx.receivedAt());
        return blocked.isPresent() ? Steps.deny(DenialReason.THROTTLED, "blocked until " + blocked.get() + " (" + reason + ")", e.blocked(blocked.get()))
                : Steps.deny(reason, detail, e);
    }

    /**
     * A request with a genuine installer that fails its proof or its clock, while this key is blocked from this
     * source, is answered "slow down" like every other request of that key from there: failing a proof again neither
     * counts, nor buys an audit row, nor tells the sender anything about the proof. The block is read only for a
     * request that fails here; one that passes meets it in the store's transaction.
     */
    private Decision<Evidence> keyBlockedFirst(Evidence e, Decision<Evidence> d) {
        if (!(d instanceof Deny<Evidence> deny)) {
            return d;
        }
        Optional<Instant> blocked = store.throttles().blockedUntil(e.attempt().throttleBucket().orElseThrow(), e.ctx.receivedAt());
        return blocked.isPresent() ? Steps.deny(DenialReason.THROTTLED, "key " + e.attempt().key() + " is blocked until " + blocked.get()
                + " (" + deny.reason() + ")", e.blocked(blocked.get())) : d;
    }

    /** An attestation the request carries, judged ({@link Attestations#verify}); a failure meets the key's block first. */
    private Decision<Evidence> attested(Evidence e) {
        return keyBlockedFirst(e, attestations.verify(e));
    }

    private Decision<Evidence> clockAgrees(Evidence e) {
        return Possession.clock(e, e.request().timestamp(), e.ctx.receivedAt(), policy.maxClockSkew());
    }

    private Decision<Evidence> signingKeyExists(Evidence e) {
        return e.facts().signingKeyKnown() ? Steps.pass(e, () -> "signing key " + e.attempt().signingKeyId() + " still exists")
                : Steps.deny(DenialReason.UNKNOWN_SIGNING_KEY, "signing key " + e.attempt().signingKeyId() + " was removed", e);
    }

    private Decision<Evidence> notThrottled(Evidence e) {
        Optional<Instant> blocked = e.facts().blockedUntil();
        return blocked.isPresent() ? Steps.deny(DenialReason.THROTTLED, "key " + e.attempt().key() + " is blocked from "
                + e.address().getHostAddress() + " until " + blocked.get(), e.blocked(blocked.get()))
                : Steps.pass(e, () -> "not blocked");
    }

    /**
     * One identity, one line of generations. A key an agent already holds is that agent's enrollment repeated (its
     * answer was lost) only while the agent has not moved past its first credential: pending, or active at
     * generation 1 at most. Past that, whoever presents the key holds a copy of the identity: the agent is locked, as
     * a renewal proving an old generation locks it, whichever installer the copy came with.
     */
    private Decision<Evidence> oneIdentity(Evidence e) {
        Optional<Agent> held = e.facts().existingAgent();
        if (held.isEmpty()) {
            return Steps.pass(e, () -> "a new agent key");
        }
        Agent a = held.get();
        return switch (a.status()) {
            case DISABLED -> Steps.deny(DenialReason.AGENT_DISABLED, "the key is agent " + a.id() + "'s, which is disabled", e);
            case LOCKED -> Steps.deny(DenialReason.AGENT_LOCKED, "the key is agent " + a.id() + "'s, which is locked", e);
            case PENDING -> Steps.pass(e.retryOf(a), () -> "agent " + a.id() + "'s enrollment again (pending approval)");
            case ACTIVE -> a.credentialGeneration() <= 1
                    ? Steps.pass(e.retryOf(a), () -> "agent " + a.id() + "'s enrollment again (it has not renewed yet)")
                    : Steps.deny(DenialReason.CLONE_DETECTED, "the key is agent " + a.id() + "'s, at generation " + a.credentialGeneration()
                            + ": a copy", e.locking(new EnrollmentVerdict.Lock(a, AuditEvent.of(e.ctx.receivedAt(), a.organizationId(),
                                    Actor.SYSTEM, AuditAction.AGENT_LOCKED, Subject.of(a.id()), Map.of("status", a.status().name()),
                                    lockDetails(e, a)))));
        };
    }

    private static Map<String, String> lockDetails(Evidence e, Agent a) {
        Map<String, String> after = new LinkedHashMap<>();
        after.put("status", AgentStatus.LOCKED.name());
        after.put("reason", "clone: an enrollment presented the key of the agent at generation " + a.credentialGeneration());
        after.put("sourceAddress", e.address().getHostAddress());
        after.put("installer", e.attempt().installer().value());
        after.put("key", e.attempt().key().value());
        after.put("currentGeneration", Long.toString(a.credentialGeneration()));
        return after;
    }

    private Decision<Evidence> installerRecorded(Evidence e) {
        Optional<InstallerRecord> r = e.facts().installer();
        if (r.isEmpty() || !r.get().accessKeyId().equals(e.attempt().key()) || !r.get().signingKeyId().equals(e.attempt().signingKeyId())) {
            return Steps.deny(DenialReason.TOKEN_UNKNOWN, "no record of installer " + e.attempt().installer(), e);
        }
        if (r.get().isRevoked()) {
            return Steps.deny(DenialReason.TOKEN_REVOKED, "installer " + e.attempt().installer() + " was revoked", e);
        }
        if (r.get().isExhausted() && e.existing == null) {
            // A retry of the computer that used it (its answer was lost) passed above as that agent's enrollment again.
            return Steps.deny(DenialReason.INSTALLER_USED, "installer " + e.attempt().installer() + " admits " + r.get().maxUses().getAsLong()
                    + " computer(s) and was used", e);
        }
        return Steps.pass(e, () -> "installer " + e.attempt().installer() + " is recorded and not revoked");
    }

    private Decision<Evidence> keyAdmits(Evidence e) {
        Optional<AccessKey> found = e.facts().key();
        if (found.isEmpty()) {
            return Steps.deny(DenialReason.KEY_NOT_FOUND, "access key " + e.attempt().key() + " does not exist", e);
        }
        AccessKey key = found.get();
        AccessKeyStatus status = key.status(e.ctx.receivedAt());
        EffectiveSettings settings = EffectiveSettings.resolve(e.facts().groupPath());
        if (status == AccessKeyStatus.EXHAUSTED && e.existing != null && e.existing.accessKeyId().equals(key.id())) {
            return Steps.pass(e.withSettings(settings), () -> "exhausted by this agent's own enrollment: a retry");
        }
        Optional<DenialReason> refusal = keyRefusal(status);
        if (refusal.isPresent()) {
            return Steps.deny(refusal.get(), "access key " + key.id() + " is " + status, e);
        }
        return Steps.pass(e.withSettings(settings), () -> "key " + key.id() + " (" + key.name() + ") points at "
                + Groups.pathText(e.facts().groupPath()));
    }

    /** The refusal for a key that is not enabled. */
    static Optional<DenialReason> keyRefusal(AccessKeyStatus status) {
        return switch (status) {
            case ENABLED -> Optional.empty();
            case DISABLED -> Optional.of(DenialReason.KEY_DISABLED);
            case EXPIRED -> Optional.of(DenialReason.KEY_EXPIRED);
            case EXHAUSTED -> Optional.of(DenialReason.KEY_EXHAUSTED);
        };
    }

    private Decision<Evidence> restrictionsAllow(Evidence e) {
        if (e.existing != null) {
            return Steps.pass(e, () -> "already enrolled: admitted when it first enrolled");
        }
        AccessKey key = e.facts().key().orElseThrow();
        InetAddress address = e.address();
        if (!e.settings().allowedNetworks().allows(address) || !key.restrictions().networks().map(n -> n.allows(address)).orElse(true)) {
            return Steps.deny(DenialReason.NETWORK_NOT_ALLOWED, address.getHostAddress() + " is outside the allowed networks", e);
        }
        Platform platform = Platform.parse(e.request().facts().platform());
        if (!e.settings().allowedPlatforms().allows(platform) || !key.restrictions().platforms().map(p -> p.allows(platform)).orElse(true)
                || !e.claims().platform().map(p -> p.equals(platform.wireName())).orElse(true)) {
            return Steps.deny(DenialReason.PLATFORM_NOT_ALLOWED, platform.wireName() + " is not allowed", e);
        }
        return Steps.pass(e, () -> "network " + address.getHostAddress() + " and platform " + platform.wireName() + " allowed");
    }

    private static DenialReason refusedAtCommit(EnrollmentCommit.Reason r) {
        return switch (r) {
            case KEY_NOT_FOUND -> DenialReason.KEY_NOT_FOUND;
            case KEY_DISABLED -> DenialReason.KEY_DISABLED;
            case KEY_EXPIRED -> DenialReason.KEY_EXPIRED;
            case KEY_EXHAUSTED -> DenialReason.KEY_EXHAUSTED;
            case INSTALLER_EXHAUSTED -> DenialReason.INSTALLER_USED;
            case REPLAYED -> DenialReason.REPLAYED;
            case KEY_CHANGED -> DenialReason.KEY_CHANGED;
        };
    }
}
