package com.heartbeatrm.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The load generator's client: one TLS connection, kept alive, HTTP/1.1 requests written in one piece and answers
 * read by their Content-Length, on the calling thread. As lean as a client can be (what {@code wrk} is to a web
 * server), so that on a machine that also runs the server and the database, the figure is the server's. Agents use
 * {@code EnrollmentClient}; {@code EndToEndBenchmark.jdkClientEnroll08} drives the JDK's HttpClient for comparison.
 */
final class LoadClient implements Closeable {
    /** One answer: its status and body length. */
    record Answer(int status, byte[] body) {
        int length() {
            return body.length;
        }

        String bodyStart() {
            return new String(body, 0, Math.min(200, body.length), StandardCharsets.UTF_8);
        }
    }

    private final SSLContext tls;
    private final URI base;
    private SSLSocket socket;
    private OutputStream out;
    private InputStream in;

    LoadClient(SSLContext tls, URI base) {
        this.tls = tls;
        this.base = base;
    }

    private void connect() throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        s.setSoTimeout(60_000);
        s.startHandshake();
        socket = s;
        out = new BufferedOutputStream(s.getOutputStream(), 8192);
        in = new BufferedInputStream(s.getInputStream(), 8192);
    }

    Answer post(String path, byte[] body) throws IOException {
        if (socket == null) {
            connect();
        }
        byte[] head = ("POST " + base.getPath() + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try {
            out.write(head);
            out.write(body);
            out.flush();
            return read();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private Answer read() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        int length = -1;
        boolean close = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).strip());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        if (length < 0 || length > 1 << 20) {
            throw new IOException("no usable Content-Length in the answer");
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new IOException("answer cut short");
        }
        if (close) {
            close();
        }
        return new Answer(code, body);
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            if (b.length() > 16_384) {
                throw new IOException("header line too long");
            }
            b.append((char) c);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
            socket = null;
        }
    }
}
