package com.heartbeatrm.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One page of a list; {@code nextCursor} is present when more items may follow. */
public record Page<T>(List<T> items, Optional<String> nextCursor) {
    public Page {
        items = List.copyOf(items);
        Objects.requireNonNull(nextCursor, "nextCursor");
    }

    public boolean hasNext() {
        return nextCursor.isPresent();
    }
}
