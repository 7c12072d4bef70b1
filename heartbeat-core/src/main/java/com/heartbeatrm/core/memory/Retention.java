package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidInputException;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/** The in-memory store's retention steps: bounded removals the sweeper repeats. Callers hold the tenant's lock. */
final class Retention {
    private Retention() {
    }

    static void checkBatch(int limit, int max) {
        if (limit < 1 || limit > max) {
            throw new InvalidInputException("limit", "must be between 1 and " + max + ", got " + limit);
        }
    }

    /** Removes at most {@code limit} items matching {@code old}, from the front (oldest first); returns how many. */
    static <T> int removeOldest(List<T> items, Predicate<T> old, int limit) {
        int[] removed = {0};
        items.removeIf(item -> removed[0] < limit && old.test(item) && ++removed[0] > 0);
        return removed[0];
    }

    static boolean isRetiredBefore(InstallerRecord r, Instant before) {
        return r.revoked().filter(v -> v.at().isBefore(before)).isPresent() || r.expiresAt().filter(e -> e.isBefore(before)).isPresent();
    }

    static List<InstallerRecord> retired(Collection<InstallerRecord> all, Instant before, int limit) {
        return all.stream().filter(r -> isRetiredBefore(r, before))
                .sorted(Comparator.comparing(InstallerRecord::issuedAt).thenComparing(r -> r.id().value())).limit(limit).toList();
    }
}
