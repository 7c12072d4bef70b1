package com.heartbeatrm.enrollment.admin;

import static com.heartbeatrm.enrollment.admin.Replies.error;
import static com.heartbeatrm.enrollment.admin.Replies.errorBody;
import static com.heartbeatrm.enrollment.admin.Replies.json;
import static com.heartbeatrm.enrollment.admin.Replies.printable;

import com.heartbeatrm.core.AccessKeyNotUsableException;
import com.heartbeatrm.core.AttestationRequiredException;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.DuplicateNameException;
import com.heartbeatrm.core.HeartbeatException;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.enrollment.KeyUnwrapException;
import com.heartbeatrm.installer.InstallerException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one table from what a handler throws to what the admin API answers. The first row whose type matches wins, so
 * a subclass stands above its parent: a key-encryption failure is the server's own (500), not a conflict (409), and
 * a name clash is a 409 that names the field. Nothing a request contains reaches the caller as a stack trace.
 */
final class Problems {
    private static final Logger LOG = LoggerFactory.getLogger(AdminEndpoint.class);
    static final Duration UNAVAILABLE_RETRY = Duration.ofSeconds(5);

    private record Row<E extends Exception>(Class<E> type, BiFunction<E, AdminRequest, AdminResponse> answer) {
        AdminResponse apply(Exception e, AdminRequest request) {
            return answer.apply(type.cast(e), request);
        }
    }

    private static <E extends Exception> Row<E> row(Class<E> type, BiFunction<E, AdminRequest, AdminResponse> answer) {
        return new Row<>(type, answer);
    }

    private static final List<Row<?>> TABLE = List.of(
            row(InvalidInputException.class, (e, r) -> error(400, e.getMessage(), e.field())),
            row(NotFoundException.class, (e, r) -> error(404, e.getMessage(), e.kind())),
            row(DuplicateNameException.class, (e, r) -> error(409, e.getMessage(), "name")),
            row(AccessKeyNotUsableException.class, (e, r) -> error(409, e.getMessage(), "key")),
            // An agent without TPM attestation kept out of a group that requires it: the field names the setting.
            row(AttestationRequiredException.class, (e, r) -> error(409, e.getMessage(), "attestation")),
            row(Refusal.class, (e, r) -> error(e.status, e.getMessage(), e.field)),
            row(StoreException.class, (e, r) -> json(503, Map.of("Retry-After", Long.toString(UNAVAILABLE_RETRY.toSeconds())),
                    errorBody("temporarily unavailable; try again", null))),
            row(ConflictException.class, (e, r) -> error(409, e.getMessage(), null)),
            row(KeyUnwrapException.class, (e, r) -> {
                // The server's own failure (a wrong key-encryption key, altered key data), never the caller's: not a 409.
                LOG.warn("admin API cannot unwrap the issuer signing key: is the key-encryption key the one it was wrapped with?");
                return error(500, "the server cannot use its signing key", null);
            }),
            row(HeartbeatException.class, (e, r) -> error(409, e.getMessage(), null)),
            row(IllegalArgumentException.class, (e, r) -> error(400, e.getMessage(), null)),
            row(InstallerException.class, (e, r) -> {
                LOG.warn("admin API could not build an installer: {}", e.reason());
                return error(500, "cannot build the installer: " + e.reason(), null);
            }),
            row(IOException.class, (e, r) -> {
                LOG.warn("admin API I/O failure: {}", e.getClass().getSimpleName());
                return error(500, "internal error", null);
            }),
            row(Exception.class, (e, r) -> {
                LOG.warn("admin API error on {} {}: {}", printable(r.method()), printable(r.rawPath()), e.getClass().getName());
                return error(500, "internal error", null);
            }));

    private Problems() {
    }

    /** The answer to {@code e}, thrown while handling {@code request}. */
    static AdminResponse answer(Exception e, AdminRequest request) {
        for (Row<?> row : TABLE) {
            if (row.type().isInstance(e)) {
                return row.apply(e, request);
            }
        }
        throw new AssertionError("the last row takes every exception");
    }
}
