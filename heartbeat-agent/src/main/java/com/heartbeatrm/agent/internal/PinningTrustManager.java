package com.heartbeatrm.agent.internal;

import com.heartbeatrm.protocol.TlsPin;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server exactly when the public key of its certificate (the leaf: the key the handshake proves) has one
 * of the pins. No CA, name or validity check applies: the pin is the server's identity, so a self-signed certificate
 * works. Runs inside the TLS handshake, before a byte of the HTTP request is sent. Extends
 * {@link X509ExtendedTrustManager} so that the JDK does not add its own host name check on top.
 */
public final class PinningTrustManager extends X509ExtendedTrustManager {
    private final Set<String> pins;

    public PinningTrustManager(List<String> pins) {
        if (pins.isEmpty()) {
            throw new IllegalArgumentException("pinning needs at least one pin");
        }
        this.pins = Set.copyOf(pins);
    }

    /** The server's key matched no pin; carries the pin it presented (public: a hash of a public key). */
    public static final class PinMismatchException extends CertificateException {
        private static final long serialVersionUID = 1L;
        private final String presented;

        PinMismatchException(String presented) {
            super("the server's TLS key (pin " + presented + ") matches none of the installer's pins");
            this.presented = presented;
        }

        public String presentedPin() {
            return presented;
        }
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        String presented = TlsPin.of(chain[0]);
        if (!pins.contains(presented)) {
            throw new PinMismatchException(presented);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager only checks servers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("this trust manager only checks servers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("this trust manager only checks servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
