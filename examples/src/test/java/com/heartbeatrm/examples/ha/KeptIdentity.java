package com.heartbeatrm.examples.ha;

import com.heartbeatrm.agent.AgentIdentity;
import com.heartbeatrm.agent.AgentIdentityStore;
import com.heartbeatrm.agent.CustodyKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An agent's state held in memory, as a real store holds it (identity, and the key of an enrollment in flight),
 * that also remembers every enrollment key it was given, so a test can tell that retries reused one key. One per
 * agent thread: {@link #delete()} makes it the state of a new agent.
 */
final class KeptIdentity implements AgentIdentityStore {
    private AgentIdentity identity;
    private String keptFor;
    private CustodyKey kept;
    private final List<String> keysGiven = new ArrayList<>();

    @Override
    public synchronized Optional<AgentIdentity> load() {
        return Optional.ofNullable(identity);
    }

    @Override
    public synchronized void save(AgentIdentity id) {
        identity = id;
    }

    @Override
    public synchronized void delete() {
        identity = null;
        keptFor = null;
        kept = null;
        keysGiven.clear();
    }

    @Override
    public synchronized void saveEnrollmentKey(String organizationId, CustodyKey keys) {
        keptFor = organizationId;
        kept = keys;
        keysGiven.add(keys.fingerprint());
    }

    @Override
    public synchronized Optional<CustodyKey> enrollmentKey(String organizationId) {
        return organizationId.equals(keptFor) ? Optional.ofNullable(kept) : Optional.empty();
    }

    @Override
    public synchronized void deleteEnrollmentKey() {
        keptFor = null;
        kept = null;
    }

    /** The fingerprints of the enrollment keys kept since the last {@link #delete()}: one when every retry reused it. */
    synchronized List<String> keysGiven() {
        return List.copyOf(keysGiven);
    }
}
