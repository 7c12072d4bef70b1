package com.heartbeatrm.tpm.internal;

import com.heartbeatrm.tpm.TpmException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/** Sends one marshalled command and returns the TPM's whole response. */
public interface Transport extends Closeable {
    byte[] transmit(byte[] command) throws TpmException;

    @Override
    void close();

    /** Reads one response: the 10-byte header, then exactly the size it states, bounded by {@link Tpm2#MAX_MESSAGE}. */
    static byte[] readResponse(InputStream in) throws IOException, TpmException {
        byte[] header = in.readNBytes(10);
        if (header.length < 10) {
            throw new TpmException(TpmException.Kind.MALFORMED_RESPONSE, "TPM closed the connection mid-response", null);
        }
        int size = ((header[2] & 0xff) << 24) | ((header[3] & 0xff) << 16) | ((header[4] & 0xff) << 8) | (header[5] & 0xff);
        if (size < 10 || size > Tpm2.MAX_MESSAGE) {
            throw new TpmException(TpmException.Kind.MALFORMED_RESPONSE, "TPM response size out of range: " + size, null);
        }
        byte[] response = new byte[size];
        System.arraycopy(header, 0, response, 0, 10);
        int got = in.readNBytes(response, 10, size - 10);
        if (got != size - 10) {
            throw new TpmException(TpmException.Kind.MALFORMED_RESPONSE, "TPM response truncated", null);
        }
        return response;
    }
}
