package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.protocol.TlsPin;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * The TLS pins that new installers name, from the server's own TLS settings when {@code heartbeat.tls-pins} is unset:
 * the leaf certificate of each key entry of an SSL bundle (read at each issue, so a reloaded bundle applies), or the
 * certificate of {@code server.ssl.certificate}. Uses only API present in Spring Boot 3.5 and 4.
 */
final class SslBundlePins {
    private SslBundlePins() {
    }

    static Supplier<List<String>> ofBundle(SslBundles bundles, String name) {
        bundles.getBundle(name); // fails at startup, naming the bundle, when it does not exist
        return () -> pins(bundles.getBundle(name));
    }

    static List<String> pins(SslBundle bundle) {
        KeyStore store = bundle.getStores().getKeyStore();
        if (store == null) {
            throw new IllegalStateException("the SSL bundle has no key store: it cannot give the server's TLS pin");
        }
        try {
            String only = bundle.getKey().getAlias();
            List<String> pins = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if ((only == null || only.equals(alias)) && store.isKeyEntry(alias)
                        && store.getCertificate(alias) instanceof X509Certificate leaf) {
                    pins.add(TlsPin.of(leaf));
                }
            }
            if (pins.isEmpty()) {
                throw new IllegalStateException("the SSL bundle holds no key with a certificate: it cannot give the server's TLS pin");
            }
            return List.copyOf(pins);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the SSL bundle's key store: " + e.getMessage(), e);
        }
    }

    /** The pin of the first certificate (the leaf) at {@code location}, PEM or DER. */
    static List<String> ofCertificate(ResourceLoader loader, String location) {
        Resource r = loader.getResource(location);
        try (InputStream in = r.getInputStream()) {
            Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(in);
            return List.of(TlsPin.of((X509Certificate) c));
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("cannot read the server's TLS certificate at " + location + " for its pin: " + e.getMessage(), e);
        }
    }
}
