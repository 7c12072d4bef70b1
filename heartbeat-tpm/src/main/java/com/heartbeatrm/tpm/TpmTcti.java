package com.heartbeatrm.tpm;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where the TPM is, in the tpm2-tools TCTI syntax this client understands: {@code swtpm:host=H,port=P} (swtpm's TCP
 * command port; the control port is P+1) or {@code device:/dev/tpmrm0} (the kernel's resource manager). Anything
 * else is refused with {@link IllegalArgumentException} naming the accepted forms.
 */
public final class TpmTcti {
    /** The two ways to reach a TPM. */
    public enum Kind {
        /** swtpm's TCP command port (its control port is the next one). */
        SWTPM,
        /** A character device such as the kernel's resource manager {@code /dev/tpmrm0}. */
        DEVICE
    }

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]]{1,253}");
    private static final int MAX_LENGTH = 512;

    private final Kind kind;
    private final @Nullable String host;
    private final int port;
    private final @Nullable Path device;

    private TpmTcti(Kind kind, @Nullable String host, int port, @Nullable Path device) {
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.device = device;
    }

    /**
     * swtpm on a host's TCP port.
     *
     * @param host a host name or address, 1 to 253 characters
     * @param port the command port, 1 to 65534 (the control port is {@code port + 1})
     * @return the TCTI
     * @throws IllegalArgumentException a malformed host or a port out of range
     */
    public static TpmTcti swtpm(String host, int port) {
        if (!HOST.matcher(Objects.requireNonNull(host, "host")).matches()) {
            throw new IllegalArgumentException("not a host name or address: " + host);
        }
        if (port < 1 || port > 65534) {
            throw new IllegalArgumentException("swtpm port must be 1..65534 (the control port is the next one): " + port);
        }
        return new TpmTcti(Kind.SWTPM, host, port, null);
    }

    /**
     * A TPM character device.
     *
     * @param device e.g. {@code /dev/tpmrm0}
     * @return the TCTI
     */
    public static TpmTcti device(Path device) {
        return new TpmTcti(Kind.DEVICE, null, 0, Objects.requireNonNull(device, "device"));
    }

    /**
     * Parses {@code swtpm:host=H,port=P}, {@code swtpm:port=P} (host 127.0.0.1), or {@code device:PATH}.
     *
     * @param tcti at most 512 characters
     * @return the TCTI
     * @throws IllegalArgumentException any other form, naming the accepted ones
     */
    public static TpmTcti parse(String tcti) {
        Objects.requireNonNull(tcti, "tcti");
        if (tcti.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("TCTI string too long");
        }
        int colon = tcti.indexOf(':');
        String scheme = (colon < 0 ? tcti : tcti.substring(0, colon)).toLowerCase(Locale.ROOT);
        String conf = colon < 0 ? "" : tcti.substring(colon + 1);
        switch (scheme) {
            case "device" -> {
                if (conf.isEmpty() || conf.indexOf('\0') >= 0 || !conf.startsWith("/")) {
                    throw new IllegalArgumentException("device TCTI needs an absolute path, e.g. device:/dev/tpmrm0");
                }
                return device(Path.of(conf));
            }
            case "swtpm" -> {
                String host = "127.0.0.1";
                Integer port = null;
                if (conf.isEmpty()) {
                    throw new IllegalArgumentException("swtpm TCTI needs a port, e.g. swtpm:host=127.0.0.1,port=2321");
                }
                for (String part : conf.split(",", -1)) {
                    int eq = part.indexOf('=');
                    String key = eq < 0 ? part : part.substring(0, eq);
                    String value = eq < 0 ? "" : part.substring(eq + 1);
                    if (key.equals("host") && !value.isEmpty()) {
                        host = value;
                    } else if (key.equals("port") && value.matches("[0-9]{1,5}") && port == null) {
                        port = Integer.parseInt(value);
                    } else {
                        throw new IllegalArgumentException("unknown or repeated swtpm TCTI option (host=H,port=P): " + key);
                    }
                }
                if (port == null) {
                    throw new IllegalArgumentException("swtpm TCTI needs port=P");
                }
                return swtpm(host, port);
            }
            default -> throw new IllegalArgumentException("unsupported TCTI (use swtpm:host=H,port=P or device:/dev/tpmrm0): " + scheme);
        }
    }

    /** {@return how the TPM is reached} */
    public Kind kind() {
        return kind;
    }

    /** {@return the swtpm host; empty for a device} */
    public String host() {
        return host == null ? "" : host;
    }

    /** {@return the swtpm command port; 0 for a device} */
    public int port() {
        return port;
    }

    /** {@return the device path; empty for swtpm} */
    public Optional<Path> device() {
        return Optional.ofNullable(device);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TpmTcti t && kind == t.kind && port == t.port && Objects.equals(host, t.host)
                && Objects.equals(device, t.device);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, host, port, device);
    }

    /** {@return the TCTI string, in the form {@link #parse} reads and tpm2-tools' {@code TPM2TOOLS_TCTI} accepts} */
    @Override
    public String toString() {
        return kind == Kind.DEVICE ? "device:" + device : "swtpm:host=" + host + ",port=" + port;
    }
}
