package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.PlatformSet;
import com.heartbeatrm.core.SecuritySetting;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * No sequence of enable, disable, re-point and revoke lets a refused request through, and every admitted agent
 * lands in the group the key points to at that moment. Checked against a three-field model: key enabled,
 * revoked installers, current group (one group only admits linux, so a windows agent is refused there).
 */
class EnrollmentProperties {
    private static final InetAddress FROM = Agents.ip("203.0.113.7");

    enum Kind { DISABLE, ENABLE, REPOINT, REVOKE, ENROLL }

    record Op(Kind kind, int which) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 2)).as(Op::new).list().ofMaxSize(20);
    }

    @Property(tries = 40)
    void refusedRequestsNeverGetThrough(@ForAll("ops") List<Op> ops) {
        Fixture f = new Fixture(EnrollmentPolicy.builder().throttle(1_000_000, 1_000_000, java.time.Duration.ofMinutes(1),
                java.time.Duration.ofMinutes(1)).build());
        HeartbeatServer service = f.server;
        Group linuxOnly = f.admin.groups().create(f.alice, f.acme.id(), f.acme.rootGroup().id(), "Linux only");
        f.admin.groups().setOverride(f.alice, f.acme.id(), linuxOnly.id(), SecuritySetting.ALLOWED_PLATFORMS, PlatformSet.of(Platform.LINUX));
        List<GroupId> groups = List.of(f.customerA.id(), f.acme.rootGroup().id(), linuxOnly.id());
        List<IssuedToken> installers = List.of(f.issue(), f.issue(), f.issue());

        boolean enabled = true;
        GroupId current = f.customerA.id();
        Set<Integer> revoked = new HashSet<>();
        for (Op op : ops) {
            switch (op.kind()) {
                case DISABLE -> {
                    f.admin.accessKeys().disable(f.alice, f.acme.id(), f.keyA.id(), "prop");
                    enabled = false;
                }
                case ENABLE -> {
                    f.admin.accessKeys().enable(f.alice, f.acme.id(), f.keyA.id());
                    enabled = true;
                }
                case REPOINT -> {
                    current = groups.get(op.which());
                    f.admin.accessKeys().repoint(f.alice, f.acme.id(), f.keyA.id(), current);
                }
                case REVOKE -> {
                    f.installers.revoke(f.alice, f.acme.id(), installers.get(op.which()).record().id(), "prop");
                    revoked.add(op.which());
                }
                case ENROLL -> {
                    boolean expected = enabled && !revoked.contains(op.which()) && !current.equals(linuxOnly.id());
                    EnrollmentResult r = service.enroll(Agents.windows("pc").enrollBody(installers.get(op.which()).token(), f.clock),
                            service.contextFor(FROM));
                    assertThat(r instanceof EnrollmentResult.Enrolled).as("%s with enabled=%s revoked=%s group=%s", op, enabled, revoked,
                            current).isEqualTo(expected);
                    if (r instanceof EnrollmentResult.Enrolled e) {
                        assertThat(e.agent().groupId()).isEqualTo(current);
                    } else {
                        DenialReason reason = ((Denied) r).reason();
                        assertThat(reason).isIn(DenialReason.KEY_DISABLED, DenialReason.TOKEN_REVOKED, DenialReason.PLATFORM_NOT_ALLOWED);
                    }
                }
            }
        }
    }
}
