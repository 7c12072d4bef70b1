package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.Page;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Keyset pages: a query asks for {@code limit + 1} rows; the extra row only says that more follow. */
final class JdbcPages {
    private JdbcPages() {
    }

    static <T> Page<T> page(List<T> rows, int limit, Function<T, String> cursor) {
        if (rows.size() > limit) {
            List<T> items = rows.subList(0, limit);
            return new Page<>(items, Optional.of(cursor.apply(items.get(items.size() - 1))));
        }
        return new Page<>(rows, Optional.empty());
    }
}
