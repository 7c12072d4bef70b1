package com.heartbeatrm.tpm.internal;

import com.heartbeatrm.tpm.TpmException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * swtpm's TCP command port ({@code swtpm socket --server type=tcp,port=P}): the raw TPM command goes out and the
 * raw response comes back on one kept-open connection, as tpm2-tss's swtpm TCTI does. Each exchange is bounded by
 * the timeout. The control port (P+1) is used only by {@link #shutdown}.
 */
public final class SwtpmTransport implements Transport {
    private static final int CMD_SHUTDOWN = 0x03;

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public SwtpmTransport(String host, int port, Duration timeout) throws TpmException {
        this.host = host;
        this.port = port;
        this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        this.socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            close();
            throw new TpmException(TpmException.Kind.TRANSPORT, "cannot reach swtpm at " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized byte[] transmit(byte[] command) throws TpmException {
        try {
            out.write(command);
            out.flush();
            return Transport.readResponse(in);
        } catch (SocketTimeoutException e) {
            close();
            throw new TpmException(TpmException.Kind.TRANSPORT, "swtpm at " + host + ":" + port + " did not answer within "
                    + timeoutMillis + " ms", e);
        } catch (IOException e) {
            close();
            throw new TpmException(TpmException.Kind.TRANSPORT, "swtpm at " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** Asks swtpm, on its control port, to save its state and exit (CMD_SHUTDOWN). */
    public static void shutdown(String host, int controlPort, Duration timeout) throws TpmException {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, controlPort), millis);
            s.setSoTimeout(millis);
            s.getOutputStream().write(new byte[] {0, 0, 0, CMD_SHUTDOWN});
            s.getOutputStream().flush();
            byte[] result = s.getInputStream().readNBytes(4);
            if (result.length != 4) {
                throw new TpmException(TpmException.Kind.MALFORMED_RESPONSE, "swtpm control answer truncated", null);
            }
            int rc = ((result[0] & 0xff) << 24) | ((result[1] & 0xff) << 16) | ((result[2] & 0xff) << 8) | (result[3] & 0xff);
            if (rc != 0) {
                throw new TpmException("swtpm CMD_SHUTDOWN", rc);
            }
        } catch (IOException e) {
            throw new TpmException(TpmException.Kind.TRANSPORT, "swtpm control port " + host + ":" + controlPort + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing to recover: the connection is gone either way.
        }
    }
}
