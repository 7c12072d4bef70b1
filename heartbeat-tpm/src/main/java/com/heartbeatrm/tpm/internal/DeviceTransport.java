package com.heartbeatrm.tpm.internal;

import com.heartbeatrm.tpm.TpmException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * The kernel's TPM resource manager ({@code /dev/tpmrm0}): write one command, read one response, as a plain file.
 * The kernel returns the whole response to one read. Not exercised by the tests (no TPM device on the build
 * machines); it shares {@link Transport#readResponse} with the swtpm transport. Reads cannot time out: the
 * kernel driver bounds a command by the TPM's own timeouts.
 */
public final class DeviceTransport implements Transport {
    private final Path path;
    private final RandomAccessFile file;

    public DeviceTransport(Path path) throws TpmException {
        this.path = path;
        try {
            this.file = new RandomAccessFile(path.toFile(), "rw");
        } catch (IOException e) {
            throw new TpmException(TpmException.Kind.TRANSPORT, "cannot open " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized byte[] transmit(byte[] command) throws TpmException {
        try {
            file.write(command);
            byte[] buffer = new byte[Tpm2.MAX_MESSAGE];
            int n = file.read(buffer);
            if (n < 0) {
                throw new TpmException(TpmException.Kind.MALFORMED_RESPONSE, path + " returned no response", null);
            }
            return Transport.readResponse(new java.io.ByteArrayInputStream(buffer, 0, n));
        } catch (IOException e) {
            throw new TpmException(TpmException.Kind.TRANSPORT, path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            // Closing a device file releases the kernel's resource-manager handles either way.
        }
    }
}
