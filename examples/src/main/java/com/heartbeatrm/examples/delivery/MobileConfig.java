package com.heartbeatrm.examples.delivery;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.agent.TokenDelivery;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A macOS configuration profile ({@code .mobileconfig}) for MDM (Jamf, Kandji, Intune, any): one custom-settings
 * payload whose type is the agent's preference domain ({@value TokenDelivery#PREFERENCE_DOMAIN}), carrying the
 * enrollment token ({@value TokenDelivery#TOKEN_SETTING}) and the server's base URLs. Installed, macOS writes it to
 * {@code /Library/Managed Preferences/com.heartbeatrm.agent.plist}, where the agent SDK reads it. Optionally signed:
 * a CMS SignedData (attached content, the signer's certificate included), as macOS and MDMs accept.
 *
 * <p>The profile holds a bearer token: hand it to the MDM only, and prefer a single-use or short-lived one.
 */
public final class MobileConfig {
    private MobileConfig() {
    }

    /** The unsigned profile, an XML property list. */
    public static byte[] xml(EnrollmentToken token, List<URI> endpoints, String installerId, String organization) {
        StringBuilder urls = new StringBuilder();
        for (URI u : endpoints) {
            urls.append("\t\t\t\t<string>").append(escape(u.toString())).append("</string>\n");
        }
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                + "<plist version=\"1.0\">\n<dict>\n"
                + "\t<key>PayloadContent</key>\n\t<array>\n\t\t<dict>\n"
                + "\t\t\t<key>" + TokenDelivery.TOKEN_SETTING + "</key>\n\t\t\t<string>" + escape(token.reveal()) + "</string>\n"
                + "\t\t\t<key>ServerURLs</key>\n\t\t\t<array>\n" + urls + "\t\t\t</array>\n"
                + "\t\t\t<key>PayloadDisplayName</key>\n\t\t\t<string>HeartbeatRM agent enrollment</string>\n"
                + "\t\t\t<key>PayloadIdentifier</key>\n\t\t\t<string>" + TokenDelivery.PREFERENCE_DOMAIN + "." + escape(installerId) + "</string>\n"
                + "\t\t\t<key>PayloadType</key>\n\t\t\t<string>" + TokenDelivery.PREFERENCE_DOMAIN + "</string>\n"
                + "\t\t\t<key>PayloadUUID</key>\n\t\t\t<string>" + UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT) + "</string>\n"
                + "\t\t\t<key>PayloadVersion</key>\n\t\t\t<integer>1</integer>\n"
                + "\t\t</dict>\n\t</array>\n"
                + "\t<key>PayloadDescription</key>\n\t<string>Enrolls the HeartbeatRM agent with " + escape(organization) + ".</string>\n"
                + "\t<key>PayloadDisplayName</key>\n\t<string>HeartbeatRM agent (" + escape(organization) + ")</string>\n"
                + "\t<key>PayloadIdentifier</key>\n\t<string>com.heartbeatrm.profile." + escape(installerId) + "</string>\n"
                + "\t<key>PayloadScope</key>\n\t<string>System</string>\n"
                + "\t<key>PayloadType</key>\n\t<string>Configuration</string>\n"
                + "\t<key>PayloadUUID</key>\n\t<string>" + UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT) + "</string>\n"
                + "\t<key>PayloadVersion</key>\n\t<integer>1</integer>\n"
                + "</dict>\n</plist>\n";
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code profile} as CMS SignedData (DER), signed with {@code key} (RSA or EC) and carrying {@code chain}. */
    public static byte[] sign(byte[] profile, PrivateKey key, List<X509Certificate> chain) throws IOException {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no signing certificate");
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> throw new IllegalArgumentException("the signing key must be RSA or EC, not " + key.getAlgorithm());
        };
        try {
            CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
            gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                    .build(new JcaContentSignerBuilder(algorithm).build(key), chain.get(0)));
            gen.addCertificates(new JcaCertStore(chain));
            return gen.generate(new CMSProcessableByteArray(profile), true).getEncoded("DER");
        } catch (GeneralSecurityException | OperatorCreationException | CMSException e) {
            throw new IOException("cannot sign the profile: " + e.getMessage(), e);
        }
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
