package com.heartbeatrm.core;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keyset paging: at most {@code limit} items after the opaque cursor a previous {@link Page} returned.
 * Cursors are stable under concurrent inserts: an item is never listed twice nor skipped if it existed
 * before the first page was read.
 *
 * @param limit the most items to return, 1 to {@link #MAX_LIMIT}
 * @param after the cursor of the previous page, or empty for the first page
 */
public record PageRequest(int limit, Optional<String> after) {
    /** The largest page size. */
    public static final int MAX_LIMIT = 1000;
    private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");

    /**
     * Validates the limit and the cursor's shape.
     *
     * @param limit 1 to {@link #MAX_LIMIT}
     * @param after a cursor from a previous page, or empty
     * @throws InvalidInputException when the limit is out of range or the cursor malformed
     */
    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInputException("limit", "must be 1 to " + MAX_LIMIT + ", got " + limit);
        }
        Objects.requireNonNull(after, "after");
        if (after.isPresent() && !CURSOR.matcher(after.get()).matches()) {
            throw new InvalidInputException("cursor", "malformed page cursor");
        }
    }

    /**
     * The first page.
     *
     * @param limit 1 to {@link #MAX_LIMIT}
     * @return the request
     */
    public static PageRequest first(int limit) {
        return new PageRequest(limit, Optional.empty());
    }

    /**
     * The page after {@code previous}, with the same limit.
     *
     * @param previous the page just read
     * @return the request; for a last page, a request for the first page again
     */
    public PageRequest next(Page<?> previous) {
        return new PageRequest(limit, previous.nextCursor());
    }
}
