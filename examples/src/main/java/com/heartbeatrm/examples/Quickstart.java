package com.heartbeatrm.examples;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.EffectiveSettings;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupNotEmptyException;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.PlatformSet;
import com.heartbeatrm.core.ResolvedSetting;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.SettingLockedException;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The product text as code, on the embedded in-memory store: set up an organization (which gets its default
 * key), build the group tree, give "Customer A" its own access key, inherit and lock security settings, and
 * disable and re-point keys. Exits 0 only if every step behaved as the product text says.
 */
public final class Quickstart {
    private final PrintStream out;
    private int step;

    Quickstart(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        try {
            new Quickstart(System.out).run();
        } catch (RuntimeException | AssertionError e) {
            System.err.println("quickstart failed: " + e.getMessage());
            System.exit(1);
        }
    }

    void run() {
        Actor alice = Actor.of("alice@acme-msp.example");
        HeartbeatAdmin admin = HeartbeatAdmin.of(new InMemoryHeartbeatStore(), java.time.Clock.systemUTC());

        NewOrganization acme = admin.organizations().setUp(alice, "Acme MSP");
        AccessKey defaultKey = acme.defaultKey();
        say("Set up organization \"%s\"; its default access key %s points at the root group.",
                acme.organization().name(), defaultKey.id());
        expect(defaultKey.groupId().equals(acme.rootGroup().id()), "default key points at the root");

        Group customerA = admin.groups().create(alice, acme.id(), acme.rootGroup().id(), "Customer A");
        Group site1 = admin.groups().create(alice, acme.id(), customerA.id(), "Site 1");
        Group customerB = admin.groups().create(alice, acme.id(), acme.rootGroup().id(), "Customer B");
        say("Created groups: %s, %s, %s.", admin.groups().pathOf(acme.id(), customerA.id()),
                admin.groups().pathOf(acme.id(), site1.id()), admin.groups().pathOf(acme.id(), customerB.id()));

        AccessKey keyA = admin.accessKeys().create(alice, acme.id(),
                AccessKeySpec.builder("Customer A Access Key", customerA.id()).expiresIn(Duration.ofDays(90)).build());
        say("Created \"%s\" (%s): installers made with it join \"%s\".", keyA.name(), keyA.id(),
                admin.groups().pathOf(acme.id(), keyA.groupId()));

        admin.groups().setOverride(alice, acme.id(), customerA.id(), SecuritySetting.REQUIRE_APPROVAL, true);
        admin.groups().setOverride(alice, acme.id(), customerA.id(), SecuritySetting.ALLOWED_PLATFORMS,
                PlatformSet.of(Platform.WINDOWS));
        admin.groups().setLocked(alice, acme.id(), customerA.id(), SecuritySetting.ALLOWED_PLATFORMS, true);
        EffectiveSettings eff = admin.groups().effectiveSettings(acme.id(), site1.id());
        say("Effective settings of Customer A/Site 1:");
        for (ResolvedSetting<?> r : eff.all()) {
            out.printf("      %-18s = %-10s (%s)%n", r.setting().name(), text(r), r.describeSource());
        }
        expect(eff.requireApproval() && eff.allowedPlatforms().equals(PlatformSet.of(Platform.WINDOWS)), "Site 1 inherits Customer A");

        try {
            admin.groups().setOverride(alice, acme.id(), site1.id(), SecuritySetting.ALLOWED_PLATFORMS, PlatformSet.ALL);
            expect(false, "the lock refuses the override");
        } catch (SettingLockedException e) {
            say("Site 1 cannot widen the locked platforms: %s.", e.getMessage());
        }

        admin.accessKeys().disable(alice, acme.id(), keyA.id(), "installer leaked on a forum");
        say("Disabled the key: status %s. Every installer that references it is now refused.",
                admin.accessKeys().status(admin.accessKeys().require(acme.id(), keyA.id())));
        admin.accessKeys().enable(alice, acme.id(), keyA.id());
        admin.accessKeys().repoint(alice, acme.id(), keyA.id(), customerB.id());
        say("Enabled it again and re-pointed it: future installs land in \"%s\", no new installer needed.",
                admin.groups().pathOf(acme.id(), admin.accessKeys().require(acme.id(), keyA.id()).groupId()));

        try {
            admin.groups().delete(alice, acme.id(), customerB.id());
            expect(false, "a group with a key pointing at it cannot be deleted");
        } catch (GroupNotEmptyException e) {
            say("Deleting Customer B is refused: %s.", String.join("; ", e.blockers()));
        }

        int events = 0;
        for (AuditRecord r : admin.audit().query(AuditQuery.all(acme.id())).items()) {
            events++;
            if (events <= 3) {
                out.printf("      audit #%d %s %s by %s%n", r.sequence(), r.event().action(), r.event().subject().id(),
                        r.event().actor().name());
            }
        }
        say("The audit log holds %d events (first three shown above).", events);
        say("Quickstart finished: every step behaved as expected.");
    }

    private static String text(ResolvedSetting<?> r) {
        return format(r.setting(), r.value());
    }

    private static <T> String format(SecuritySetting<T> s, Object value) {
        return s.format(s.type().cast(value));
    }

    // Every call passes a literal format; the examples take no Error Prone annotations dependency for @FormatMethod.
    @SuppressWarnings("AnnotateFormatMethod")
    private void say(String format, Object... args) {
        out.printf("%2d. %s%n", ++step, String.format(format, args));
    }

    private static void expect(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("expected: " + what);
        }
    }
}
