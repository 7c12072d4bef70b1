package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.agent.EnrollmentTokenVerifier;
import com.heartbeatrm.agent.PinnedKeySet;
import com.heartbeatrm.agent.VerifiedEnrollmentToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyNotUsableException;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.PlatformSet;
import com.heartbeatrm.core.SecuritySetting;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EnrollmentTokensTest {
    private final Fixture f = new Fixture();

    private TokenRefusal refusal(IssuedToken t) {
        TokenCheck c = f.validator.check(t.token().reveal());
        assertThat(c).isInstanceOf(TokenCheck.Refused.class);
        return ((TokenCheck.Refused) c).reason();
    }

    @Test
    @DisplayName("an issued token names key, organization and endpoint; an agent verifies it against the exported key set")
    void issueAndVerifyOnTheAgent() throws Exception {
        IssuedToken issued = f.issue();
        PinnedKeySet pinned = PinnedKeySet.parseJson(f.keys.publicKeySet().toJson());
        VerifiedEnrollmentToken v = EnrollmentTokenVerifier.builder(pinned).clock(f.clock).build().verify(issued.token());
        assertThat(v.claims().accessKeyId()).isEqualTo(f.keyA.id().value());
        assertThat(v.claims().organizationId()).isEqualTo(f.acme.id().value());
        assertThat(v.claims().tokenId()).isEqualTo(issued.record().id().value());
        assertThat(v.claims().endpoints()).isEqualTo(Fixture.ENDPOINTS);
        assertThat(v.claims().issuer()).isEqualTo(Fixture.ISSUER);
        assertThat(v.signingKeyId()).isEqualTo(f.keys.ensureActiveKey().keyId());

        TokenCheck check = f.validator.check(issued.token().reveal());
        assertThat(check).isInstanceOfSatisfying(TokenCheck.Valid.class, ok -> {
            assertThat(ok.key().id()).isEqualTo(f.keyA.id());
            assertThat(ok.installer()).isEqualTo(issued.record());
        });
    }

    @Test
    @DisplayName("each token is recorded with who, when, key, platform and format, listed per key and organization")
    void records() {
        IssuedToken a = f.issue();
        f.clock.advance(Duration.ofSeconds(1));
        IssuedToken b = f.tokens.issue(Actor("bob"), f.acme.id(), f.keyA.id(), TokenRequest.builder().platform(Platform.LINUX).build());
        InstallerRecord rb = f.tokens.require(f.acme.id(), b.record().id());
        assertThat(rb.issuedBy().name()).isEqualTo("bob");
        assertThat(rb.platform()).contains(Platform.LINUX);
        assertThat(rb.format()).isEqualTo("token");
        assertThat(rb.issuedAt()).isEqualTo(f.clock.instant());
        assertThat(f.tokens.listByKey(f.acme.id(), f.keyA.id(), PageRequest.first(10)).items())
                .extracting(InstallerRecord::id).containsExactly(a.record().id(), b.record().id());
        assertThat(f.tokens.list(f.acme.id(), PageRequest.first(10)).items()).hasSize(2);
    }

    private static com.heartbeatrm.core.Actor Actor(String name) {
        return com.heartbeatrm.core.Actor.of(name);
    }

    @Test
    @DisplayName("disabling the key refuses every token that names it; enabling admits them again")
    void disablingTheKeyRefusesItsInstallers() {
        IssuedToken t1 = f.issue();
        IssuedToken t2 = f.issue();
        f.admin.accessKeys().disable(f.alice, f.acme.id(), f.keyA.id(), "leaked");
        assertThat(refusal(t1)).isEqualTo(TokenRefusal.KEY_DISABLED);
        assertThat(refusal(t2)).isEqualTo(TokenRefusal.KEY_DISABLED);
        assertThatThrownBy(f::issue).isInstanceOfSatisfying(AccessKeyNotUsableException.class,
                e -> assertThat(e.status()).isEqualTo(AccessKeyStatus.DISABLED));
        f.admin.accessKeys().enable(f.alice, f.acme.id(), f.keyA.id());
        assertThat(f.validator.check(t1.token().reveal())).isInstanceOf(TokenCheck.Valid.class);
    }

    @Test
    @DisplayName("revoking one installer refuses only that token")
    void revokeOne() {
        IssuedToken t1 = f.issue();
        IssuedToken t2 = f.issue();
        InstallerRecord r = f.tokens.revoke(f.alice, f.acme.id(), t1.record().id(), "sent to the wrong customer");
        assertThat(r.revoked()).hasValueSatisfying(x -> assertThat(x.reason()).isEqualTo("sent to the wrong customer"));
        assertThat(refusal(t1)).isEqualTo(TokenRefusal.TOKEN_REVOKED);
        assertThat(f.validator.check(t2.token().reveal())).isInstanceOf(TokenCheck.Valid.class);
        assertThat(f.admin.accessKeys().status(f.admin.accessKeys().require(f.acme.id(), f.keyA.id()))).isEqualTo(AccessKeyStatus.ENABLED);
    }

    @Test
    @DisplayName("issuing is refused for disabled, expired, exhausted and deleted keys; deleting the key refuses its tokens")
    void issuingNeedsAUsableKey() {
        AccessKey shortLived = f.admin.accessKeys().create(f.alice, f.acme.id(), AccessKeySpec.builder("short", f.customerA.id())
                .expiresIn(Duration.ofHours(1)).build());
        IssuedToken t = f.tokens.issue(f.alice, f.acme.id(), shortLived.id(), TokenRequest.DEFAULTS);
        assertThat(t.record().expiresAt()).as("a token never outlives its key").isEqualTo(shortLived.expiresAt());
        assertThatThrownBy(() -> f.tokens.issue(f.alice, f.acme.id(), shortLived.id(),
                TokenRequest.builder().expiresIn(Duration.ofHours(2)).build())).isInstanceOf(InvalidInputException.class);
        f.clock.advance(Duration.ofHours(1));
        assertThatThrownBy(() -> f.tokens.issue(f.alice, f.acme.id(), shortLived.id(), TokenRequest.DEFAULTS))
                .isInstanceOfSatisfying(AccessKeyNotUsableException.class, e -> assertThat(e.status()).isEqualTo(AccessKeyStatus.EXPIRED));
        assertThat(refusal(t)).isEqualTo(TokenRefusal.TOKEN_EXPIRED);

        IssuedToken doomed = f.issue();
        f.admin.accessKeys().delete(f.alice, f.acme.id(), f.keyA.id());
        assertThat(refusal(doomed)).isEqualTo(TokenRefusal.KEY_NOT_FOUND);
        assertThatThrownBy(f::issue).isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("a platform must be allowed by the key's group; endpoints can be overridden per token")
    void platformAndEndpoints() throws Exception {
        f.admin.groups().setOverride(f.alice, f.acme.id(), f.customerA.id(), SecuritySetting.ALLOWED_PLATFORMS, PlatformSet.of(Platform.WINDOWS));
        assertThatThrownBy(() -> f.tokens.issue(f.alice, f.acme.id(), f.keyA.id(), TokenRequest.builder().platform(Platform.LINUX).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("linux");
        List<URI> other = List.of(URI.create("https://eu.heartbeat.example/enroll"), URI.create("https://us.heartbeat.example/enroll"));
        IssuedToken t = f.tokens.issue(f.alice, f.acme.id(), f.keyA.id(), TokenRequest.builder().platform(Platform.WINDOWS)
                .endpoints(other).build());
        TokenCheck.Valid ok = (TokenCheck.Valid) f.validator.check(t.token().reveal());
        assertThat(ok.token().claims().endpoints()).isEqualTo(other);
        assertThat(ok.token().claims().platform()).contains("windows");
        assertThatThrownBy(() -> TokenRequest.builder().endpoints(List.of(URI.create("ftp://x.example/")))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> TokenRequest.builder().endpoints(List.of(URI.create("https://user:pw@x.example/"))))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    @DisplayName("a token of another deployment, or one this deployment never recorded, is refused")
    void foreignAndUnrecorded() {
        Fixture other = new Fixture();
        IssuedToken foreign = other.issue();
        assertThat(refusal(foreign)).isEqualTo(TokenRefusal.UNKNOWN_SIGNING_KEY);

        // Same signing key, but the record is gone (e.g. a store restored from an old backup).
        Fixture sameKeys = new Fixture();
        TokenValidator strict = TokenValidator.create(new com.heartbeatrm.core.memory.InMemoryHeartbeatStore(), sameKeys.keys,
                Fixture.ISSUER, sameKeys.clock);
        TokenCheck c = strict.check(sameKeys.issue().token().reveal());
        assertThat(c).isInstanceOfSatisfying(TokenCheck.Refused.class, r -> assertThat(r.reason()).isEqualTo(TokenRefusal.TOKEN_UNKNOWN));

        TokenValidator otherIssuer = TokenValidator.create(f.store, f.keys, "https://someone-else.example", f.clock);
        assertThat(otherIssuer.check(f.issue().token().reveal())).isInstanceOfSatisfying(TokenCheck.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(TokenRefusal.WRONG_ISSUER));
        assertThat(f.validator.check("garbage")).isInstanceOfSatisfying(TokenCheck.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(TokenRefusal.MALFORMED));
    }

    @Test
    @DisplayName("the token never reaches the store, the audit log, a record or a toString")
    void tokenNeverStoredOrPrinted() {
        IssuedToken t = f.issue();
        f.tokens.revoke(f.alice, f.acme.id(), t.record().id(), "test");
        String text = t.token().reveal();
        String signaturePart = text.substring(text.length() - 60, text.length() - 40);
        String everything = f.admin.audit().query(AuditQuery.all(f.acme.id())).items().toString()
                + f.tokens.list(f.acme.id(), PageRequest.first(10)).items() + t + t.token() + t.record() + f.keys + f.kek
                + f.keys.list() + f.store.signingKeys().list();
        assertThat(everything).doesNotContain("v4.public").doesNotContain(signaturePart);
        assertThat(f.admin.audit().query(AuditQuery.all(f.acme.id())).items()).extracting(r -> r.event().action())
                .contains(AuditAction.INSTALLER_ISSUED, AuditAction.INSTALLER_REVOKED);
    }
}
