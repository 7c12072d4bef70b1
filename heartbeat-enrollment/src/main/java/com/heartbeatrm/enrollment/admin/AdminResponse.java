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

/**
 * What the admin API answers: a status, headers, and a body that is either JSON bytes or a file (a generated
 * installer) to stream. A transport writes the body with {@link #writeBody} and then {@link #close()}s the response,
 * which deletes a temporary file.
 */
public final class AdminResponse implements AutoCloseable {
    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;
    private final Path file;

    private AdminResponse(int status, Map<String, String> headers, byte[] body, Path file) {
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

    public int status() {
        return status;
    }

    /** Content-Type, Content-Length where known, Cache-Control, and Allow, Retry-After or Content-Disposition where they apply. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The body's length in bytes. */
    public long contentLength() throws IOException {
        return body != null ? body.length : Files.size(file);
    }

    /** The JSON body, when the answer is JSON. */
    public Optional<byte[]> jsonBody() {
        return body == null ? Optional.empty() : Optional.of(body.clone());
    }

    public void writeBody(OutputStream out) throws IOException {
        if (body != null) {
            out.write(body);
        } else {
            Files.copy(file, out);
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

    @Override
    public String toString() {
        return "AdminResponse[" + status + (file != null ? ", file" : ", " + body.length + " bytes") + "]";
    }
}
