package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.spi.StoredSigningKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Under any sequence of issue, rotate and remove-a-retired-key, a token verifies exactly while the key that
 * signed it is still in the deployment (active or retired).
 */
class KeyRotationProperties {
    enum Op { ISSUE, ROTATE, REMOVE_OLDEST_RETIRED }

    @Provide
    Arbitrary<List<Op>> ops() {
        return Arbitraries.of(Op.class).list().ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 60)
    void tokensVerifyWhileTheirKeyExists(@ForAll("ops") List<Op> ops) {
        Fixture f = new Fixture();
        List<IssuedToken> issued = new ArrayList<>();
        List<String> signedBy = new ArrayList<>();
        Set<String> present = new HashSet<>();
        present.add(f.keys.ensureActiveKey().keyId());
        for (Op op : ops) {
            switch (op) {
                case ISSUE -> {
                    IssuedToken t = f.issue();
                    issued.add(t);
                    signedBy.add(t.record().signingKeyId());
                }
                case ROTATE -> present.add(f.keys.rotate().keyId());
                case REMOVE_OLDEST_RETIRED -> f.keys.list().stream()
                        .filter(k -> k.status() == StoredSigningKey.Status.RETIRED).findFirst()
                        .ifPresent(k -> {
                            f.keys.remove(k.keyId());
                            present.remove(k.keyId());
                        });
            }
            for (int i = 0; i < issued.size(); i++) {
                TokenCheck c = f.check(issued.get(i));
                if (present.contains(signedBy.get(i))) {
                    assertThat(c).isInstanceOf(TokenCheck.Valid.class);
                } else {
                    assertThat(c).isInstanceOfSatisfying(TokenCheck.Denied.class,
                            r -> assertThat(r.reason()).isEqualTo(DenialReason.UNKNOWN_SIGNING_KEY));
                }
            }
        }
    }
}
