package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.spi.AbstractHeartbeatStore;
import com.heartbeatrm.core.spi.AgentStore;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The store reads the agents of the request's machine only for the replaced-TPM rule, which applies to attested
 * enrollments alone: a plain enrollment that reports a machine fingerprint costs no such read, and its agent keeps the
 * fingerprint. (The attested side, where the read must happen, is AttestedEnrollmentTest's replaced-TPM test.)
 */
@DisplayName("the same-machine read at enrollment")
class MachineLookupTest {
    /**
     * The in-memory store's agents, noting every enrollment attempt the pipeline hands them (the first argument of
     * {@code judgeAndEnroll} and {@code enrollmentFacts}); every call goes on to the real repository.
     */
    static AgentStore noting(AgentStore agents, List<EnrollmentAttempt> attempts) {
        InvocationHandler forward = (proxy, method, args) -> {
            if (args != null && args.length > 0 && args[0] instanceof EnrollmentAttempt a) {
                attempts.add(a);
            }
            try {
                return method.invoke(agents, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (AgentStore) Proxy.newProxyInstance(AgentStore.class.getClassLoader(), new Class<?>[] {AgentStore.class}, forward);
    }

    /** An in-memory store whose agent repository is {@link #noting}. */
    static final class Watched extends AbstractHeartbeatStore {
        Watched(InMemoryHeartbeatStore s, List<EnrollmentAttempt> attempts) {
            super(s.organizations(), s.groups(), s.accessKeys(), noting(s.agents(), attempts), s.audit(), s.installers(), s.signingKeys(),
                    s.throttles(), s.attestationTrust());
        }
    }

    @Test
    @DisplayName("a plain enrollment with a machine fingerprint asks the store for no same-machine agents; the agent keeps it")
    void plainEnrollmentReadsNoMachine() {
        List<EnrollmentAttempt> attempts = new CopyOnWriteArrayList<>();
        Fixture f = new Fixture(new Watched(new InMemoryHeartbeatStore(), attempts), EnrollmentPolicy.DEFAULTS);
        Agents pc = Agents.onMachine("pc-1", "hw-uuid-1");
        EnrollmentResult r = f.server.enroll(pc.enrollBody(f.issue().token(), f.clock), f.server.contextFor(Agents.ip("203.0.113.7")));
        assertThat(r).isInstanceOfSatisfying(EnrollmentResult.Enrolled.class, e -> assertThat(e.agent().machineFingerprint()).contains("hw-uuid-1"));
        assertThat(f.admin.agents().listByStatus(f.acme.id(), AgentStatus.ACTIVE, PageRequest.first(10)).items())
                .singleElement().satisfies(a -> assertThat(a.machineFingerprint()).contains("hw-uuid-1"));
        assertThat(attempts).isNotEmpty().allSatisfy(a -> assertThat(a.machineFingerprint()).isEmpty());

        // The dry run reads the same facts: no machine either.
        attempts.clear();
        f.server.explain(Agents.onMachine("pc-2", "hw-uuid-2").enrollBody(f.issue().token(), f.clock), f.server.contextFor(Agents.ip("203.0.113.7")));
        assertThat(attempts).isNotEmpty().allSatisfy(a -> assertThat(a.machineFingerprint()).isEmpty());
    }
}
