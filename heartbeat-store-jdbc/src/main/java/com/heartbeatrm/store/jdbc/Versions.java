package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.StaleVersionException;
import java.util.Optional;
import java.util.function.ToLongFunction;

/** The read that opens every versioned write: the row, read for update, must exist and still be at the caller's version. */
final class Versions {
    private Versions() {
    }

    /** The {@code kind} row {@code id} as {@code locked} holds it, or the not-found or stale-version refusal. */
    static <T> T current(Optional<T> locked, String kind, String id, long expectedVersion, ToLongFunction<T> version) {
        T current = locked.orElseThrow(() -> new NotFoundException(kind, id));
        StaleVersionException.check(kind, id, expectedVersion, version.applyAsLong(current));
        return current;
    }
}
