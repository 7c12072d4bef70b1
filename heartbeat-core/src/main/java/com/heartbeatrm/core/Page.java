package com.heartbeatrm.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a list; {@code nextCursor} is present when more items may follow.
 *
 * @param <T> the item type
 * @param items the items, in the list's order
 * @param nextCursor the cursor to pass in the next {@link PageRequest}, or empty on the last page
 */
public record Page<T>(List<T> items, Optional<String> nextCursor) {
    /**
     * Copies the items into an unmodifiable list.
     *
     * @param items the items, none null
     * @param nextCursor the next cursor, or empty
     */
    public Page {
        items = List.copyOf(items);
        Objects.requireNonNull(nextCursor, "nextCursor");
    }

    /**
     * Whether more items may follow.
     *
     * @return true when {@code nextCursor} is present
     */
    public boolean hasNext() {
        return nextCursor.isPresent();
    }
}
