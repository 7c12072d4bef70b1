package com.heartbeatrm.agent;

import com.heartbeatrm.agent.EnrollmentClient.Outcome;
import com.heartbeatrm.agent.EnrollmentClientException.Kind;
import java.io.IOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link EnrollmentClient} keeps in its identity store, when it has one: the identity, and the key of an
 * enrollment whose answer has not come yet. Turns the store's failures into {@link EnrollmentClientException}s. The
 * client serializes the calls that read and write the store.
 */
final class IdentityKeeper {
    private final @Nullable AgentIdentityStore store;

    IdentityKeeper(@Nullable AgentIdentityStore store) {
        this.store = store;
    }

    /** Whether the client has a store (without one, identities are only returned). */
    boolean hasStore() {
        return store != null;
    }

    /** The stored identity; the store must be configured. */
    Optional<AgentIdentity> load() throws EnrollmentClientException {
        try {
            return requireStore().load();
        } catch (KeyCustodyException e) {
            throw new EnrollmentClientException(Kind.KEY_CUSTODY, "cannot load the agent key: " + e.getMessage(), e);
        } catch (IOException | UnsafeStateException e) {
            throw new EnrollmentClientException(Kind.IDENTITY_STORE, "cannot load the agent identity: " + e.getMessage(), e);
        }
    }

    /**
     * With a store: its copy of {@code given}'s agent when that is at the same or a newer generation; {@code given}
     * when the store is empty or holds an older copy. A store that holds another agent is refused: renewing
     * {@code given} would save it over that agent, whose private key would be lost.
     */
    AgentIdentity current(AgentIdentity given) throws EnrollmentClientException {
        if (store == null) {
            return given;
        }
        Optional<AgentIdentity> stored = load();
        if (stored.isPresent() && !stored.get().sameAgentAs(given)) {
            throw new EnrollmentClientException(Kind.IDENTITY_STORE, "the identity store holds agent " + stored.get().agentId()
                    + ", not " + given.agentId() + "; renew the stored identity, or use a store of its own");
        }
        return stored.filter(s -> s.generation() >= given.generation()).orElse(given);
    }

    /**
     * The key to enroll into {@code org} with: the one kept by an earlier enrollment into it whose answer was lost, or
     * a new one from the store's custody, kept before it is used; the store must be configured.
     */
    CustodyKey enrollmentKey(String org) throws EnrollmentClientException {
        AgentIdentityStore s = requireStore();
        AgentKeyCustody custody = s.keyCustody();
        if (custody == null) {
            throw new EnrollmentClientException(Kind.KEY_CUSTODY, "the identity store names no key custody");
        }
        try {
            Optional<AgentIdentity> enrolled = s.load();
            // A key left behind by an enrollment whose identity was saved belongs to that agent: never reuse it.
            Optional<CustodyKey> kept = s.enrollmentKey(org)
                    .filter(k -> enrolled.isEmpty() || !enrolled.get().keys().fingerprint().equals(k.fingerprint()));
            CustodyKey keys = kept.isPresent() ? kept.get() : custody.generate();
            if (kept.isEmpty()) {
                s.saveEnrollmentKey(org, keys);
            }
            return keys;
        } catch (KeyCustodyException e) {
            throw new EnrollmentClientException(Kind.KEY_CUSTODY, "the agent key's custody refused: " + e.getMessage(), e);
        } catch (IOException | UnsafeStateException e) {
            throw new EnrollmentClientException(Kind.IDENTITY_STORE, "cannot keep the enrollment key: " + e.getMessage(), e);
        }
    }

    /** Forgets the kept enrollment key; a failure is not the caller's: the identity is what counts, and it is saved. */
    void forgetEnrollmentKey() {
        if (store == null) {
            return;
        }
        try {
            store.deleteEnrollmentKey();
        } catch (IOException | UnsafeStateException | KeyCustodyException e) {
            // The kept key is used again only by an enrollment into the same organization, before any identity.
        }
    }

    /** Saves the outcome's identity, when there is a store; returns {@code o}. */
    Outcome save(Outcome o) throws EnrollmentClientException {
        save(o.identity());
        return o;
    }

    /** Saves {@code identity}, when there is a store; returns it. */
    AgentIdentity save(AgentIdentity identity) throws EnrollmentClientException {
        if (store != null) {
            try {
                store.save(identity);
            } catch (IOException | UnsafeStateException e) {
                throw new EnrollmentClientException(Kind.IDENTITY_STORE, "cannot save the agent identity: " + e.getMessage(), e);
            }
        }
        return identity;
    }

    private AgentIdentityStore requireStore() {
        if (store == null) {
            throw new IllegalStateException("no identity store configured (Builder.identityStore)");
        }
        return store;
    }
}
