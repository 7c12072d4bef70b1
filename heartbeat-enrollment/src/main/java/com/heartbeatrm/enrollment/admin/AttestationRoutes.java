package com.heartbeatrm.enrollment.admin;

import static com.heartbeatrm.enrollment.admin.Replies.created;
import static com.heartbeatrm.enrollment.admin.Replies.ok;

import com.heartbeatrm.core.AllowedEndorsementKey;
import com.heartbeatrm.core.AttestationTrust;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.TrustedCa;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /attestation}: the organization's trust anchors for TPM-attested enrollment: trusted manufacturer CAs and
 * allow-listed endorsement keys. They are the whole organization's, so an admin whose authorizer narrows them to some
 * subtrees neither sees nor changes them: the root group must be in the call's scope (else 403).
 */
record AttestationRoutes(HeartbeatAdmin admin) implements Routes.RouteSet {
    @Override
    public void addTo(Routes routes) {
        routes.get("/attestation", c -> ok(trust(admin.attestation().trust(wholeOrganization(c).id()))));
        routes.post("/attestation/cas", Set.of("certificate"), c -> {
            Organization org = wholeOrganization(c);
            byte[] pem = c.requireString("certificate").getBytes(StandardCharsets.US_ASCII);
            return created(ca(admin.attestation().trustCa(org.id(), c.actor, pem)));
        });
        routes.delete("/attestation/cas/{fingerprint}", c -> {
            Organization org = wholeOrganization(c);
            admin.attestation().removeCa(org.id(), c.actor, c.path("fingerprint"));
            return ok(Map.of("removed", AllowedEndorsementKey.normalize(c.path("fingerprint"))));
        });
        routes.post("/attestation/endorsement-keys", Set.of("sha256", "label"), c -> {
            Organization org = wholeOrganization(c);
            return created(endorsementKey(admin.attestation().allowEndorsementKey(org.id(), c.actor, c.requireString("sha256"),
                    c.string("label").orElse(""))));
        });
        routes.delete("/attestation/endorsement-keys/{sha256}", c -> {
            Organization org = wholeOrganization(c);
            admin.attestation().removeEndorsementKey(org.id(), c.actor, c.path("sha256"));
            return ok(Map.of("removed", AllowedEndorsementKey.normalize(c.path("sha256"))));
        });
    }

    /** The call's organization, when the actor's scope covers all of it. */
    private static Organization wholeOrganization(Call c) {
        Organization org = c.org();
        if (!c.scope().allows(org.rootGroupId())) {
            throw new Refusal(403, "not allowed: the attestation trust anchors are the whole organization's", null);
        }
        return org;
    }

    private static Map<String, Object> trust(AttestationTrust t) {
        List<Object> cas = new ArrayList<>();
        t.cas().forEach(ca -> cas.add(ca(ca)));
        List<Object> keys = new ArrayList<>();
        t.endorsementKeys().forEach(k -> keys.add(endorsementKey(k)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cas", cas);
        m.put("endorsementKeys", keys);
        return m;
    }

    private static Map<String, Object> ca(TrustedCa ca) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fingerprint", ca.fingerprint());
        m.put("subject", ca.subject());
        m.put("notAfter", ca.notAfter().toString());
        m.put("added", ca.addedAt().toString());
        m.put("addedBy", ca.addedBy().name());
        return m;
    }

    private static Map<String, Object> endorsementKey(AllowedEndorsementKey k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sha256", k.sha256());
        m.put("label", k.label());
        m.put("added", k.addedAt().toString());
        m.put("addedBy", k.addedBy().name());
        return m;
    }
}
