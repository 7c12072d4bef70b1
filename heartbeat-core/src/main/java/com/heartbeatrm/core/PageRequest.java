package com.heartbeatrm.core;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keyset paging: at most {@code limit} items after the opaque cursor a previous {@link Page} returned.
 * Cursors are stable under concurrent inserts: an item is never listed twice nor skipped if it existed
 * before the first page was read.
 */
public record PageRequest(int limit, Optional<String> after) {
    public static final int MAX_LIMIT = 1000;
    private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");

    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInputException("limit", "must be 1 to " + MAX_LIMIT + ", got " + limit);
        }
        Objects.requireNonNull(after, "after");
        if (after.isPresent() && !CURSOR.matcher(after.get()).matches()) {
            throw new InvalidInputException("cursor", "malformed page cursor");
        }
    }

    public static PageRequest first(int limit) {
        return new PageRequest(limit, Optional.empty());
    }

    public PageRequest next(Page<?> previous) {
        return new PageRequest(limit, previous.nextCursor());
    }
}
