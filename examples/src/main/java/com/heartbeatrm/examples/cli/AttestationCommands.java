package com.heartbeatrm.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.heartbeatrm.core.TrustedCa;
import com.heartbeatrm.examples.Deployment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code attestation ...}: the organization's trust anchors for TPM-attested enrollment, over the admin API's
 * {@code /attestation} routes. Which groups require attestation is the group setting {@code attestation=tpm}
 * ({@code groups set / attestation=tpm}).
 */
final class AttestationCommands {
    private AttestationCommands() {
    }

    @Command(name = "attestation", description = "Trust anchors for TPM-attested enrollment: manufacturer CAs and allow-listed endorsement keys.",
        subcommands = {TrustCa.class, RemoveCa.class, AllowEk.class, RemoveEk.class, ListTrust.class})
    static final class Attestation {
    }

    @Command(name = "trust-ca", description = "Trusts a TPM manufacturer CA (PEM or DER file); prints its SHA-256 fingerprint.")
    static final class TrustCa extends AdminCommands.Base {
        @Parameters(index = "0", paramLabel = "PEM")
        Path certificate;

        @Override
        int run(Deployment d, LocalApi api) throws IOException {
            byte[] bytes = readBounded(certificate);
            String pem = bytes.length > 0 && bytes[0] == 0x30
                    ? "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(bytes) + "\n-----END CERTIFICATE-----\n"
                    : new String(bytes, StandardCharsets.US_ASCII);
            JsonNode ca = api.post("/attestation/cas", Map.of("certificate", pem));
            System.out.println(ca.path("fingerprint").asText() + "\t" + ca.path("subject").asText() + "\tnotAfter " + ca.path("notAfter").asText());
            return 0;
        }

        /** At most one byte more than a certificate may have, so that the server names the limit. */
        private static byte[] readBounded(Path file) throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                return in.readNBytes(TrustedCa.MAX_CERTIFICATE_BYTES + 1);
            }
        }
    }

    /** A removal by hash from one of the route's collections; the subclass names the hash for its help text. */
    abstract static class Removal extends AdminCommands.Base {
        private final String collection;

        Removal(String collection) {
            this.collection = collection;
        }

        abstract String hash();

        @Override
        int run(Deployment d, LocalApi api) {
            System.out.println(api.delete("/attestation/" + collection + "/" + LocalApi.seg(hash())).path("removed").asText());
            return 0;
        }
    }

    @Command(name = "remove-ca", description = "Stops trusting a CA; attested enrollments chaining to it are refused from now on.")
    static final class RemoveCa extends Removal {
        @Parameters(index = "0", paramLabel = "FINGERPRINT", description = "SHA-256 of the CA certificate (hex, colons allowed)")
        String fingerprint;

        RemoveCa() {
            super("cas");
        }

        @Override
        String hash() {
            return fingerprint;
        }
    }

    @Command(name = "allow-ek", description = "Allow-lists a TPM endorsement key by the SHA-256 of its SubjectPublicKeyInfo DER.")
    static final class AllowEk extends AdminCommands.Base {
        @Parameters(index = "0", paramLabel = "SHA256")
        String sha256;

        @Option(names = "--label", defaultValue = "", description = "what you call it, e.g. the machine's asset tag")
        String label;

        @Override
        int run(Deployment d, LocalApi api) {
            System.out.println(api.post("/attestation/endorsement-keys", Map.of("sha256", sha256, "label", label)).path("sha256").asText());
            return 0;
        }
    }

    @Command(name = "remove-ek", description = "Removes an endorsement key from the allow-list.")
    static final class RemoveEk extends Removal {
        @Parameters(index = "0", paramLabel = "SHA256")
        String sha256;

        RemoveEk() {
            super("endorsement-keys");
        }

        @Override
        String hash() {
            return sha256;
        }
    }

    @Command(name = "list", description = "Lists the trusted CAs (ca FINGERPRINT SUBJECT NOTAFTER) and allow-listed keys (ek SHA256 LABEL).")
    static final class ListTrust extends AdminCommands.Base {
        @Option(names = "--json")
        boolean json;

        @Override
        int run(Deployment d, LocalApi api) throws Exception {
            JsonNode trust = api.get("/attestation", Map.of());
            if (json) {
                System.out.println(AdminCommands.JSON.writeValueAsString(trust));
                return 0;
            }
            List<String> lines = new ArrayList<>();
            trust.path("cas").forEach(c -> lines.add(String.join("\t", "ca", c.path("fingerprint").asText(), c.path("subject").asText(),
                    c.path("notAfter").asText())));
            trust.path("endorsementKeys").forEach(k -> lines.add(String.join("\t", "ek", k.path("sha256").asText(), k.path("label").asText())));
            lines.forEach(System.out::println);
            return 0;
        }
    }
}
