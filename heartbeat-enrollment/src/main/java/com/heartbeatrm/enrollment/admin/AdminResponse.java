package com.heartbeatrm.enrollment.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the admin API answers: a status, headers, and a body that is either JSON bytes or a file (a generated
 * installer) to stream. A transport writes the body with {@link #writeBody} and then {@link #close()}s the response,
 * which deletes a temporary file.
 */
public final class AdminResponse implements AutoCloseable {
    private final int status;
    private final Map<String, String> headers;
    // Exactly one of body and file is set.
    private final byte @Nullable [] body;
    private final @Nullable Path file;

    private AdminResponse(int status, Map<String, String> headers, byte @Nullable [] body, @Nullable Path file) {
        this.status = status;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        this.body = body;
        this.file = file;
    }

    static AdminResponse json(int status, Map<String, String> headers, byte[] body) {
        return new AdminResponse(status, headers, Objects.requireNonNull(body), null);
    }

    static AdminResponse file(int status, Map<String, String> headers, Path file) {
        return new AdminResponse(status, headers, null, Objects.requireNonNull(file));
    }

    /**
     * The HTTP status.
     *
     * @return 200 or 201 for success, 4xx for the caller's fault, 5xx for the server's
     */
    public int status() {
        return status;
    }

    /**
     * The headers to send.
     *
     * @return Content-Type, Content-Length where known, Cache-Control, and Allow, Retry-After or Content-Disposition
     *         where they apply; unmodifiable
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The body's length.
     *
     * @return the body's length in bytes
     * @throws IOException when the file of a streamed installer cannot be read (it was deleted, say)
     */
    public long contentLength() throws IOException {
        return body != null ? body.length : Files.size(file());
    }

    /**
     * The JSON body, when the answer is JSON.
     *
     * @return a copy of the UTF-8 bytes; empty when the body is a file
     */
    public Optional<byte[]> jsonBody() {
        return body == null ? Optional.empty() : Optional.of(body.clone());
    }

    /**
     * Writes the body, JSON or file, to the transport.
     *
     * @param out the response's stream; not closed
     * @throws IOException when writing fails (the caller went away, say)
     */
    public void writeBody(OutputStream out) throws IOException {
        if (body != null) {
            out.write(body);
        } else {
            Files.copy(file(), out);
        }
    }

    /** Deletes the temporary file of a streamed installer; idempotent. */
    @Override
    public void close() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a private temp file; the OS reclaims its directory
            }
        }
    }

    private Path file() {
        return Objects.requireNonNull(file, "a response without a body has a file");
    }

    @Override
    public String toString() {
        return "AdminResponse[" + status + (body != null ? ", " + body.length + " bytes" : ", file") + "]";
    }
}
