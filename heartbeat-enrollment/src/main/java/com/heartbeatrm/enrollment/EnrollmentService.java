package com.heartbeatrm.enrollment;

import com.heartbeatrm.agent.AgentCredential;
import com.heartbeatrm.agent.CredentialClaims;
import com.heartbeatrm.agent.EnrollmentClaims;
import com.heartbeatrm.agent.EnrollmentRequest;
import com.heartbeatrm.agent.RenewalRequest;
import com.heartbeatrm.agent.RequestException;
import com.heartbeatrm.agent.TokenException;
import com.heartbeatrm.agent.internal.CredentialCodec;
import com.heartbeatrm.agent.internal.EnrollmentTokenCodec;
import com.heartbeatrm.agent.internal.PasetoV4Public;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.EffectiveSettings;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.HeartbeatException;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.core.spi.KeyUse;
import com.heartbeatrm.core.spi.KeyUseResult;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enrollment entry point: turns what a new agent presents into an agent identity, or a typed refusal.
 *
 * <h2>Design</h2>
 * One pipeline, cheapest and least trusting first, so that garbage never reaches the expensive or stateful
 * steps:
 * <ol>
 * <li><b>Size and parsing.</b> A strict, bounded JSON parse of the body ({@link EnrollmentRequest#parse}).</li>
 * <li><b>Throttling.</b> Is the source address, or the key the token <em>claims</em> (read without
 * verification), blocked? A blocked request is refused before any signature check. Failures are counted per
 * address always, and per key only once the token's signature verified and only for refusals that suggest an
 * attack on that key (bad proof, replay, clock, network, platform), so forged tokens cannot lock a customer's
 * key out and users of an exhausted or disabled key still learn the real reason.</li>
 * <li><b>Token.</b> {@link TokenValidator}: signature against the issuer keys, issuer, installer record not
 * revoked, key exists and is enabled, not expired, not exhausted, read from the store now: this is where
 * "disabling a key disables every installer" happens, on every node at once.</li>
 * <li><b>Restrictions.</b> The key's and its target group's effective {@code allowedNetworks} and
 * {@code allowedPlatforms}; the token's own platform, if it names one.</li>
 * <li><b>Proof of possession.</b> The request is signed by the private key of the public key it presents,
 * over the token, the facts, a nonce and a timestamp.</li>
 * <li><b>Clock and replay.</b> The timestamp lies within the allowed skew; the nonce (scoped to the agent key)
 * is remembered once, through the store, so a replay is refused on every node.</li>
 * <li><b>The atomic step.</b> {@link com.heartbeatrm.core.spi.AgentStore#enroll}: count one use and create
 * the agent, in the group the key points to <em>now</em>, with its audit event, or neither. If the key was
 * re-pointed between step 3 and commit, the store says so and the pipeline re-reads the key and re-checks the
 * restrictions of the new group (a bounded number of times).</li>
 * </ol>
 * An agent that retries with the same key pair (its response was lost) gets its existing agent back without
 * a second use, even when that first use exhausted the key. Every decision after the token's signature
 * verified is an audit event of the token's organization; earlier refusals have no trustworthy organization
 * and are only counted for throttling and logged at debug level. {@link #explain} runs the same checks without
 * consuming or recording anything.
 */
public final class EnrollmentService {
    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentService.class);
    private static final int MAX_GROUP_RETRIES = 3;
    /**
     * Refusals that suggest someone is working against a key (forged proofs, replays, requests from where the key
     * may not be used). A key's own state (disabled, expired, exhausted, revoked installer) is not counted: the
     * refusal is certain anyway, and its real reason is what the installing user needs to see.
     */
    private static final java.util.Set<DenialReason> COUNTS_AGAINST_KEY = java.util.EnumSet.of(DenialReason.BAD_PROOF,
            DenialReason.REPLAYED, DenialReason.CLOCK_SKEW, DenialReason.NETWORK_NOT_ALLOWED, DenialReason.PLATFORM_NOT_ALLOWED);

    private final HeartbeatStore store;
    private final HeartbeatAdmin admin;
    private final IssuerKeys keys;
    private final TokenValidator tokens;
    private final String issuer;
    private final EnrollmentPolicy policy;
    private final Clock clock;

    private EnrollmentService(Builder b) {
        this.store = b.store;
        this.keys = b.keys;
        this.issuer = b.issuer;
        this.policy = b.policy;
        this.clock = b.clock;
        this.admin = HeartbeatAdmin.builder().store(b.store).clock(b.clock).build();
        this.tokens = TokenValidator.create(b.store, b.keys, b.issuer, b.clock);
    }

    public static Builder builder(HeartbeatStore store, IssuerKeys keys, String issuer) {
        return new Builder(store, keys, issuer);
    }

    /** A context for a request that arrives now, by this service's clock. */
    public RequestContext contextFor(InetAddress remoteAddress) {
        return new RequestContext(remoteAddress, clock.instant());
    }

    // ------------------------------------------------------------------------------------------------ enroll

    public EnrollmentResult enroll(byte[] body, RequestContext ctx) {
        Run run = new Run(ctx, false);
        Outcome o = run.evaluate(body);
        if (o.denial != null) {
            run.recordDenial(o);
            return new EnrollmentResult.Denied(o.denial);
        }
        Agent agent = o.agent;
        if (agent.status() == AgentStatus.PENDING) {
            return new EnrollmentResult.PendingApproval(agent);
        }
        if (agent.status() == AgentStatus.DISABLED) {
            return new EnrollmentResult.Denied(DenialReason.AGENT_DISABLED);
        }
        Duration ttl = o.credentialTtl != null ? o.credentialTtl
                : admin.groups().effectiveSettings(agent.organizationId(), agent.groupId()).agentCredentialTtl();
        Credential c = issueCredential(agent, ctx.receivedAt(), ttl);
        return new EnrollmentResult.Enrolled(agent, c.credential, c.expiresAt);
    }

    public EnrollmentResult enroll(EnrollmentRequest request, RequestContext ctx) {
        return enroll(request.toJson(), ctx);
    }

    /** Evaluates a request without consuming or recording anything, and says what each check found. */
    public DryRun explain(byte[] body, RequestContext ctx) {
        Run run = new Run(ctx, true);
        Outcome o = run.evaluate(body);
        List<DryRun.Check> checks = new ArrayList<>(run.trace);
        for (String name : Run.STEPS) {
            if (checks.stream().noneMatch(c -> c.name().equals(name))) {
                checks.add(new DryRun.Check(name, DryRun.Status.NOT_REACHED, ""));
            }
        }
        DryRun.Outcome outcome = o.denial != null ? DryRun.Outcome.WOULD_DENY
                : o.alreadyEnrolled ? DryRun.Outcome.ALREADY_ENROLLED
                : o.agent.status() == AgentStatus.PENDING ? DryRun.Outcome.WOULD_ENROLL_PENDING_APPROVAL
                : DryRun.Outcome.WOULD_ENROLL;
        return new DryRun(checks, outcome, Optional.ofNullable(o.denial), Optional.ofNullable(o.group));
    }

    /** The result of evaluating a request: a denial, or the agent (new, existing, or what would be created). */
    private static final class Outcome {
        DenialReason denial;
        String detail = "";
        Agent agent;
        boolean alreadyEnrolled;
        GroupId group;
        OrganizationId verifiedOrg;
        Duration credentialTtl;
        String verifiedKey;
        String installer;
        String fingerprint;

        static Outcome deny(DenialReason r, String detail) {
            Outcome o = new Outcome();
            o.denial = r;
            o.detail = detail;
            return o;
        }
    }

    /** One evaluation of one request. */
    private final class Run {
        static final List<String> STEPS = List.of("request", "throttling", "token", "restrictions", "proof of possession",
                "clock", "replay", "enrollment");
        final RequestContext ctx;
        final boolean dry;
        final List<DryRun.Check> trace = new ArrayList<>();
        final String addressBucket;
        Outcome partial = new Outcome();

        Run(RequestContext ctx, boolean dry) {
            this.ctx = ctx;
            this.dry = dry;
            this.addressBucket = "addr:" + ctx.remoteAddress().getHostAddress();
        }

        /** Records a passed check; the detail is built only for a dry run, off the hot path. */
        private void pass(String step, java.util.function.Supplier<String> detail) {
            if (dry) {
                trace.add(new DryRun.Check(step, DryRun.Status.PASSED, detail.get()));
            }
        }

        private Outcome fail(String step, DenialReason reason, String detail) {
            trace.add(new DryRun.Check(step, DryRun.Status.FAILED, reason + ": " + detail));
            Outcome o = Outcome.deny(reason, detail);
            o.verifiedOrg = partial.verifiedOrg;
            o.verifiedKey = partial.verifiedKey;
            o.installer = partial.installer;
            o.group = partial.group;
            o.fingerprint = partial.fingerprint;
            return o;
        }

        Outcome evaluate(byte[] body) {
            Instant now = ctx.receivedAt();
            EnrollmentRequest req;
            try {
                req = EnrollmentRequest.parse(body);
            } catch (RequestException e) {
                return fail("request", e.problem() == RequestException.Problem.OVERSIZED ? DenialReason.OVERSIZED
                        : DenialReason.MALFORMED, e.getMessage());
            }
            partial.fingerprint = req.publicKeyFingerprint();
            pass("request", () -> req.facts().hostname() + " (" + req.facts().platform() + ")");

            Optional<String> claimedKey = claimedKeyId(req);
            Optional<Instant> blocked = store.throttles().blockedUntil(addressBucket, now)
                    .or(() -> claimedKey.flatMap(k -> store.throttles().blockedUntil("key:" + k, now)));
            if (blocked.isPresent()) {
                return fail("throttling", DenialReason.THROTTLED, "blocked until " + blocked.get());
            }
            pass("throttling", () -> "not blocked");

            TokenCheck check = tokens.check(req.token().reveal());
            AccessKey key;
            InstallerId installer;
            OrganizationId org;
            if (check instanceof TokenCheck.Refused r) {
                r.organizationId().ifPresent(o -> partial.verifiedOrg = OrganizationId.parse(o));
                partial.verifiedKey = r.keyId().orElse(null);
                partial.installer = r.installerId().orElse(null);
                if (r.reason() == TokenRefusal.KEY_EXHAUSTED && partial.verifiedOrg != null) {
                    // An agent whose first (exhausting) enrollment response was lost may retry.
                    Optional<Agent> existing = store.agents().findByPublicKeyFingerprint(partial.verifiedOrg, req.publicKeyFingerprint());
                    if (existing.isPresent() && existing.get().accessKeyId().value().equals(r.keyId().orElse(""))) {
                        pass("token", () -> "key exhausted by this agent's own enrollment: a retry");
                        return retry(req, existing.get(), now);
                    }
                }
                return fail("token", map(r.reason()), r.detail());
            }
            TokenCheck.Valid valid = (TokenCheck.Valid) check;
            EnrollmentClaims claims = valid.token().claims();
            org = OrganizationId.parse(claims.organizationId());
            installer = valid.installer().id();
            key = valid.key();
            partial.verifiedOrg = org;
            partial.verifiedKey = key.id().value();
            partial.installer = installer.value();
            final AccessKey verifiedKey = key;
            final InstallerId verifiedInstaller = installer;
            pass("token", () -> "installer " + verifiedInstaller + " for key " + verifiedKey.id() + " (" + verifiedKey.name() + ")");

            for (int attempt = 0; ; attempt++) {
                partial.group = key.groupId();
                EffectiveSettings eff = admin.groups().effectiveSettings(org, key.groupId());
                InetAddress address = ctx.remoteAddress();
                if (!eff.allowedNetworks().allows(address)
                        || !key.restrictions().networks().map(n -> n.allows(address)).orElse(true)) {
                    return fail("restrictions", DenialReason.NETWORK_NOT_ALLOWED, address.getHostAddress() + " is outside the allowed networks");
                }
                Platform platform = Platform.parse(req.facts().platform());
                if (!eff.allowedPlatforms().allows(platform) || !key.restrictions().platforms().map(p -> p.allows(platform)).orElse(true)
                        || !claims.platform().map(p -> p.equals(platform.wireName())).orElse(true)) {
                    return fail("restrictions", DenialReason.PLATFORM_NOT_ALLOWED, platform.wireName() + " is not allowed");
                }
                if (attempt == 0) {
                    pass("restrictions", () -> "network " + address.getHostAddress() + " and platform " + platform.wireName() + " allowed");
                    Optional<Outcome> possession = proofClockReplay(req, now);
                    if (possession.isPresent()) {
                        return possession.get();
                    }
                }
                AgentStatus status = eff.requireApproval() ? AgentStatus.PENDING : AgentStatus.ACTIVE;
                Agent agent = new Agent(AgentId.random(), org, key.groupId(), status, now, key.id(), Optional.of(installer.value()),
                        req.facts().hostname(), platform, req.publicKeyFingerprint(), now, 0);
                final GroupId landing = key.groupId();
                if (dry) {
                    Optional<Agent> existing = store.agents().findByPublicKeyFingerprint(org, req.publicKeyFingerprint());
                    Outcome o = new Outcome();
                    o.group = key.groupId();
                    o.agent = existing.orElse(agent);
                    o.alreadyEnrolled = existing.isPresent();
                    pass("enrollment", () -> existing.isPresent() ? "already enrolled as " + existing.get().id()
                            : "would land in " + admin.groups().pathOf(org, landing) + " as " + status);
                    return o;
                }
                KeyUseResult result = store.agents().enroll(new KeyUse(key.id(), key.groupId(), agent, now,
                        decisionEvent(org, now, AuditAction.AGENT_ENROLLED, agent.id(), key.id().value(), installer.value(),
                                key.groupId(), status.name(), req.publicKeyFingerprint())));
                if (result instanceof KeyUseResult.Enrolled e) {
                    pass("enrollment", () -> "enrolled as " + e.agent().id() + " in " + admin.groups().pathOf(org, e.agent().groupId()));
                    Outcome o = new Outcome();
                    o.agent = e.agent();
                    o.group = e.agent().groupId();
                    o.credentialTtl = eff.agentCredentialTtl();
                    return o;
                }
                if (result instanceof KeyUseResult.AlreadyEnrolled a) {
                    return retry(req, a.existing(), now, false);
                }
                KeyUseResult.Reason reason = ((KeyUseResult.Refused) result).reason();
                if (reason != KeyUseResult.Reason.GROUP_CHANGED || attempt >= MAX_GROUP_RETRIES) {
                    return fail("enrollment", switch (reason) {
                        case KEY_NOT_FOUND -> DenialReason.KEY_NOT_FOUND;
                        case KEY_DISABLED -> DenialReason.KEY_DISABLED;
                        case KEY_EXPIRED -> DenialReason.KEY_EXPIRED;
                        case KEY_EXHAUSTED -> DenialReason.KEY_EXHAUSTED;
                        case GROUP_CHANGED -> DenialReason.KEY_NOT_FOUND;
                    }, "the key changed at commit: " + reason);
                }
                // The key was re-pointed after we read it: read it again and re-check the new group's restrictions.
                Optional<AccessKey> reread = store.accessKeys().find(org, key.id());
                if (reread.isEmpty()) {
                    return fail("enrollment", DenialReason.KEY_NOT_FOUND, "the key was deleted");
                }
                key = reread.get();
            }
        }

        /** Proof of possession, clock and replay; empty when all pass. */
        private Optional<Outcome> proofClockReplay(EnrollmentRequest req, Instant now) {
            if (!req.proofVerifies(BcEd25519.PLAIN)) {
                return Optional.of(fail("proof of possession", DenialReason.BAD_PROOF, "the request signature does not verify"));
            }
            pass("proof of possession", () -> "signed by the presented agent key");
            return clockAndReplay(req.timestamp(), req.publicKeyFingerprint() + ":" + req.nonce(), now);
        }

        private Optional<Outcome> clockAndReplay(Instant timestamp, String nonceKey, Instant now) {
            Duration skew = Duration.between(timestamp, now).abs();
            if (skew.compareTo(policy.maxClockSkew()) > 0) {
                return Optional.of(fail("clock", DenialReason.CLOCK_SKEW, "request time is " + skew.toSeconds() + " s off"));
            }
            pass("clock", () -> "within " + policy.maxClockSkew().toSeconds() + " s");
            Instant keepUntil = timestamp.plus(policy.maxClockSkew()).plusSeconds(1);
            boolean fresh = dry ? !store.nonces().isRemembered(nonceKey, now) : store.nonces().remember(nonceKey, keepUntil, now);
            if (!fresh) {
                return Optional.of(fail("replay", DenialReason.REPLAYED, "nonce already used"));
            }
            pass("replay", () -> "nonce is fresh");
            return Optional.empty();
        }

        private Outcome retry(EnrollmentRequest req, Agent existing, Instant now) {
            return retry(req, existing, now, true);
        }

        /** The same agent key enrolled before: prove possession again, then hand back the existing agent. */
        private Outcome retry(EnrollmentRequest req, Agent existing, Instant now, boolean checkPossession) {
            if (checkPossession) {
                Optional<Outcome> possession = proofClockReplay(req, now);
                if (possession.isPresent()) {
                    return possession.get();
                }
            }
            pass("enrollment", () -> "already enrolled as " + existing.id() + "; no second use counted");
            Outcome o = new Outcome();
            o.agent = existing;
            o.alreadyEnrolled = true;
            o.group = existing.groupId();
            return o;
        }

        void recordDenial(Outcome o) {
            Instant now = ctx.receivedAt();
            if (o.denial != DenialReason.THROTTLED) {
                store.throttles().recordFailure(addressBucket, now, policy.throttleWindow(), policy.addressThreshold(), policy.throttleBackoff());
                if (o.verifiedKey != null && COUNTS_AGAINST_KEY.contains(o.denial)) {
                    store.throttles().recordFailure("key:" + o.verifiedKey, now, policy.throttleWindow(), policy.keyThreshold(),
                            policy.throttleBackoff());
                }
            }
            if (o.verifiedOrg == null) {
                LOG.debug("enrollment refused before the token verified: {} from {}", o.denial, ctx.remoteAddress().getHostAddress());
                return;
            }
            try {
                store.audit().append(decisionEvent(o.verifiedOrg, now, AuditAction.ENROLLMENT_DENIED, null, o.verifiedKey, o.installer,
                        o.group, o.denial.name(), o.fingerprint));
            } catch (NotFoundException | InvalidInputException e) {
                LOG.debug("enrollment denial not audited: {}", e.getMessage());
            }
        }

        private AuditEvent decisionEvent(OrganizationId org, Instant now, AuditAction action, AgentId agent, String key,
                String installerId, GroupId group, String outcome, String fingerprint) {
            Map<String, String> after = new LinkedHashMap<>();
            after.put("outcome", outcome);
            if (key != null) {
                after.put("key", key);
            }
            if (installerId != null) {
                after.put("installer", installerId);
            }
            if (group != null) {
                after.put("group", group.value());
            }
            after.put("sourceAddress", ctx.remoteAddress().getHostAddress());
            if (agent != null) {
                after.put("agent", agent.value());
            }
            if (fingerprint != null) {
                after.put("agentKeyFingerprint", fingerprint);
            }
            Subject subject = agent != null ? Subject.of(agent)
                    : installerId != null ? Subject.of(InstallerId.parse(installerId))
                    : key != null ? Subject.of(AccessKeyId.parse(key)) : Subject.of(org);
            return AuditEvent.of(now, org, Actor.SYSTEM, action, subject, Map.of(), after);
        }
    }

    private static Optional<String> claimedKeyId(EnrollmentRequest req) {
        try {
            PasetoV4Public.Parsed parsed = PasetoV4Public.parse(req.token().reveal(), EnrollmentTokenCodec.MAX_TOKEN_LENGTH);
            return Optional.of(EnrollmentTokenCodec.decodeClaims(parsed.unverifiedMessage()).accessKeyId());
        } catch (TokenException e) {
            return Optional.empty();
        }
    }

    private static DenialReason map(TokenRefusal r) {
        return switch (r) {
            case MALFORMED, WRONG_VERSION_OR_PURPOSE, NON_CANONICAL_ENCODING, DUPLICATE_JSON_KEY, INVALID_CLAIMS, NOT_YET_VALID ->
                    DenialReason.MALFORMED;
            case OVERSIZED -> DenialReason.OVERSIZED;
            case UNKNOWN_SIGNING_KEY -> DenialReason.UNKNOWN_SIGNING_KEY;
            case BAD_SIGNATURE -> DenialReason.BAD_SIGNATURE;
            case TOKEN_EXPIRED -> DenialReason.TOKEN_EXPIRED;
            case WRONG_ISSUER -> DenialReason.WRONG_ISSUER;
            case TOKEN_UNKNOWN -> DenialReason.TOKEN_UNKNOWN;
            case TOKEN_REVOKED -> DenialReason.TOKEN_REVOKED;
            case KEY_NOT_FOUND -> DenialReason.KEY_NOT_FOUND;
            case KEY_DISABLED -> DenialReason.KEY_DISABLED;
            case KEY_EXPIRED -> DenialReason.KEY_EXPIRED;
            case KEY_EXHAUSTED -> DenialReason.KEY_EXHAUSTED;
        };
    }

    // ----------------------------------------------------------------------------------------------- renewal

    /**
     * Renews an agent's credential, or answers a pending agent's poll. Requires proof of possession of the
     * agent key it enrolled with. Access keys play no part: an agent keeps renewing after its key was disabled,
     * re-pointed or deleted. A disabled or deleted agent is refused.
     */
    public RenewalResult renew(byte[] body, RequestContext ctx) {
        Instant now = ctx.receivedAt();
        String addressBucket = "addr:" + ctx.remoteAddress().getHostAddress();
        RenewalRequest req;
        try {
            req = RenewalRequest.parse(body);
        } catch (RequestException e) {
            return renewalDenied(ctx, addressBucket, e.problem() == RequestException.Problem.OVERSIZED
                    ? DenialReason.OVERSIZED : DenialReason.MALFORMED, null);
        }
        if (store.throttles().blockedUntil(addressBucket, now).isPresent()) {
            return new RenewalResult.Denied(DenialReason.THROTTLED);
        }
        OrganizationId org = OrganizationId.parse(req.organizationId());
        Optional<Agent> found = store.agents().find(org, AgentId.parse(req.agentId()));
        if (found.isEmpty()) {
            return renewalDenied(ctx, addressBucket, DenialReason.AGENT_NOT_FOUND, null);
        }
        Agent agent = found.get();
        if (!agent.publicKeyFingerprint().equals(req.publicKeyFingerprint()) || !req.proofVerifies(BcEd25519.PLAIN)) {
            return renewalDenied(ctx, addressBucket, DenialReason.BAD_PROOF, agent);
        }
        Duration skew = Duration.between(req.timestamp(), now).abs();
        if (skew.compareTo(policy.maxClockSkew()) > 0) {
            return renewalDenied(ctx, addressBucket, DenialReason.CLOCK_SKEW, agent);
        }
        if (!store.nonces().remember(req.publicKeyFingerprint() + ":" + req.nonce(), req.timestamp().plus(policy.maxClockSkew()).plusSeconds(1), now)) {
            return renewalDenied(ctx, addressBucket, DenialReason.REPLAYED, agent);
        }
        store.agents().recordSeen(org, agent.id(), now);
        switch (agent.status()) {
            case DISABLED:
                return renewalDenied(ctx, addressBucket, DenialReason.AGENT_DISABLED, agent);
            case PENDING:
                if (!now.isBefore(agent.enrolledAt().plus(policy.pendingTtl()))) {
                    expire(agent, now);
                    return renewalDenied(ctx, addressBucket, DenialReason.PENDING_EXPIRED, agent);
                }
                return new RenewalResult.Pending(agent);
            default:
                Credential c = issueCredential(agent, now,
                        admin.groups().effectiveSettings(agent.organizationId(), agent.groupId()).agentCredentialTtl());
                return new RenewalResult.Renewed(agent, c.credential, c.expiresAt);
        }
    }

    private RenewalResult renewalDenied(RequestContext ctx, String addressBucket, DenialReason reason, Agent agent) {
        Instant now = ctx.receivedAt();
        store.throttles().recordFailure(addressBucket, now, policy.throttleWindow(), policy.addressThreshold(), policy.throttleBackoff());
        if (agent != null) {
            Map<String, String> after = Map.of("outcome", reason.name(), "sourceAddress", ctx.remoteAddress().getHostAddress());
            store.audit().append(AuditEvent.of(now, agent.organizationId(), Actor.SYSTEM, AuditAction.CREDENTIAL_RENEWAL_DENIED,
                    Subject.of(agent.id()), Map.of(), after));
        }
        return new RenewalResult.Denied(reason);
    }

    // ------------------------------------------------------------------------------------------- credentials

    private static final class Credential {
        final AgentCredential credential;
        final Instant expiresAt;

        Credential(AgentCredential credential, Instant expiresAt) {
            this.credential = credential;
            this.expiresAt = expiresAt;
        }
    }

    /** A credential bound to the agent, its organization, group and public key, for the group's effective TTL. */
    private Credential issueCredential(Agent agent, Instant now, Duration ttl) {
        Instant expires = now.plus(ttl);
        IssuerKeys.ActiveKey signing = keys.active();
        CredentialClaims claims = new CredentialClaims(issuer, agent.organizationId().value(), agent.id().value(),
                agent.groupId().value(), agent.publicKeyFingerprint(), now, expires);
        return new Credential(AgentCredential.of(CredentialCodec.encode(claims, signing.keyId, signing::sign)), expires);
    }

    // --------------------------------------------------------------------------------------------- approvals

    /** Agents waiting for approval, oldest first. */
    public Page<Agent> listPending(OrganizationId org, PageRequest page) {
        return store.agents().listByStatus(org, AgentStatus.PENDING, page);
    }

    /** Approves a pending agent: it becomes ACTIVE and receives its credential on its next poll. */
    public Agent approve(Actor actor, OrganizationId org, AgentId id) {
        return decide(actor, org, id, AgentStatus.ACTIVE, AuditAction.AGENT_APPROVED);
    }

    /** Denies a pending agent: it becomes DISABLED and its polls are refused. */
    public Agent deny(Actor actor, OrganizationId org, AgentId id) {
        return decide(actor, org, id, AgentStatus.DISABLED, AuditAction.AGENT_DENIED);
    }

    private Agent decide(Actor actor, OrganizationId org, AgentId id, AgentStatus to, AuditAction action) {
        Objects.requireNonNull(actor, "actor");
        Agent agent = admin.agents().require(org, id);
        if (agent.status() != AgentStatus.PENDING) {
            throw new ConflictException("agent " + id + " is " + agent.status() + ", not pending");
        }
        return store.agents().update(agent.withStatus(to), agent.version(), AuditEvent.of(clock.instant(), org, actor, action,
                Subject.of(id), Map.of("status", AgentStatus.PENDING.name()), Map.of("status", to.name())));
    }

    /** Disables every pending agent of the organization older than the policy's pending TTL; returns how many. */
    public int expirePending(OrganizationId org) {
        Instant now = clock.instant();
        int expired = 0;
        PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
        List<Agent> due = new ArrayList<>();
        while (true) {
            Page<Agent> p = listPending(org, page);
            for (Agent a : p.items()) {
                if (!now.isBefore(a.enrolledAt().plus(policy.pendingTtl()))) {
                    due.add(a);
                }
            }
            if (!p.hasNext()) {
                break;
            }
            page = page.next(p);
        }
        for (Agent a : due) {
            try {
                expire(a, now);
                expired++;
            } catch (HeartbeatException e) {
                LOG.debug("pending agent {} changed while expiring: {}", a.id(), e.getMessage());
            }
        }
        return expired;
    }

    private void expire(Agent agent, Instant now) {
        store.agents().update(agent.withStatus(AgentStatus.DISABLED), agent.version(), AuditEvent.of(now, agent.organizationId(),
                Actor.SYSTEM, AuditAction.AGENT_DENIED, Subject.of(agent.id()), Map.of("status", AgentStatus.PENDING.name()),
                Map.of("status", AgentStatus.DISABLED.name(), "reason", "approval not given within " + policy.pendingTtl())));
    }

    // ----------------------------------------------------------------------------------------------- queries

    public Page<Agent> agentsByKey(OrganizationId org, AccessKeyId key, PageRequest page) {
        return store.agents().listByKey(org, key, page);
    }

    public Page<Agent> agentsByInstaller(OrganizationId org, InstallerId installer, PageRequest page) {
        return store.agents().listByInstaller(org, installer.value(), page);
    }

    public Page<Agent> agentsByGroup(OrganizationId org, GroupId group, PageRequest page) {
        return admin.agents().listByGroup(org, group, page);
    }

    public EnrollmentPolicy policy() {
        return policy;
    }

    public static final class Builder {
        private final HeartbeatStore store;
        private final IssuerKeys keys;
        private final String issuer;
        private EnrollmentPolicy policy = EnrollmentPolicy.DEFAULTS;
        private Clock clock = Clock.systemUTC();

        private Builder(HeartbeatStore store, IssuerKeys keys, String issuer) {
            this.store = Objects.requireNonNull(store, "store");
            this.keys = Objects.requireNonNull(keys, "keys");
            this.issuer = Objects.requireNonNull(issuer, "issuer");
        }

        public Builder policy(EnrollmentPolicy p) {
            this.policy = Objects.requireNonNull(p, "policy");
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public EnrollmentService build() {
            return new EnrollmentService(this);
        }
    }
}
