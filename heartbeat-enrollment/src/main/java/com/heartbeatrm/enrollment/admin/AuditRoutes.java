package com.heartbeatrm.enrollment.admin;

import static com.heartbeatrm.enrollment.admin.Replies.ok;
import static com.heartbeatrm.enrollment.admin.Replies.paged;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.SubjectType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code /audit}: an organization's audit log, by subject and time, each row with what the subject is called now. */
record AuditRoutes(HeartbeatAdmin admin) implements Routes.RouteSet {
    @Override
    public void addTo(Routes routes) {
        routes.get("/audit", this::audit);
    }

    private AdminResponse audit(Call c) {
        Organization org = c.org();
        Optional<Subject> subject = Optional.empty();
        Optional<String> type = c.query("subjectType");
        Optional<String> id = c.query("subject");
        if (type.isPresent() && id.isPresent()) {
            SubjectType t;
            try {
                t = SubjectType.valueOf(type.get().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("subjectType", "one of " + Arrays.toString(SubjectType.values()));
            }
            subject = Optional.of(new Subject(t, id.get()));
        } else if (type.isPresent() != id.isPresent()) {
            throw new InvalidInputException(type.isPresent() ? "subject" : "subjectType", "give subjectType and subject together");
        }
        // A date for "from" is the start of that day; for "to" (exclusive) the start of the next, so the day is in.
        Optional<Instant> from = c.query("from").map(x -> Call.instant("from", x, false));
        Optional<Instant> to = c.query("to").map(x -> Call.instant("to", x, true));
        Page<AuditRecord> p = admin.audit().query(new AuditQuery(org.id(), subject, from, to, c.page()));
        Map<Subject, Optional<String>> labels = new java.util.HashMap<>();
        List<Object> items = new ArrayList<>();
        for (AuditRecord r : p.items()) {
            if (!c.scope().allows(r)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            Subject s = r.event().subject();
            m.put("sequence", r.sequence());
            m.put("at", r.event().at().toString());
            m.put("actor", r.event().actor().name());
            m.put("action", r.event().action().name());
            m.put("subjectType", s.type().name());
            m.put("subject", s.id());
            labels.computeIfAbsent(s, x -> label(org, x)).ifPresent(l -> m.put("subjectLabel", l));
            m.put("before", r.event().before());
            m.put("after", r.event().after());
            items.add(m);
        }
        return ok(paged(items, p.nextCursor()));
    }

    /** What an operator calls a subject now, or empty when it is gone or has no better name than its id. */
    private Optional<String> label(Organization org, Subject s) {
        try {
            return switch (s.type()) {
                case ACCESS_KEY -> admin.accessKeys().find(org.id(), com.heartbeatrm.core.AccessKeyId.parse(s.id())).map(AccessKey::name);
                case GROUP -> admin.groups().find(org.id(), GroupId.parse(s.id()))
                        .map(g -> g.isRoot() ? org.name() + " (root)" : admin.groups().pathOf(org.id(), g.id()));
                case AGENT -> admin.agents().find(org.id(), AgentId.parse(s.id())).map(Agent::hostname);
                case ORGANIZATION -> Optional.of(org.name());
                default -> Optional.empty();
            };
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }
}
