package com.heartbeatrm.testkit;

import java.nio.charset.StandardCharsets;

/**
 * Certificates for tests of TPM attestation trust anchors, made with openssl 3.0 (P-256 keys, self-signed), with their
 * SHA-256 fingerprints as {@code openssl x509 -outform DER | sha256sum} printed them: an oracle that is not our code.
 */
public final class AttestationCertificates {
    /** A CA certificate an organization is made to trust in the contracts, valid 2020 to 2099; its subject, as {@code openssl x509 -nameopt RFC2253} prints it, is {@code O=Testkit,CN=Testkit TPM Manufacturer CA}. */
    public static final String TRUSTED_CA_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBozCCAUmgAwIBAgIBATAKBggqhkjOPQQDAjA4MSQwIgYDVQQDDBtUZXN0a2l0
            IFRQTSBNYW51ZmFjdHVyZXIgQ0ExEDAOBgNVBAoMB1Rlc3RraXQwIBcNMjAwMTAx
            MDAwMDAwWhgPMjA5OTEyMzEwMDAwMDBaMDgxJDAiBgNVBAMMG1Rlc3RraXQgVFBN
            IE1hbnVmYWN0dXJlciBDQTEQMA4GA1UECgwHVGVzdGtpdDBZMBMGByqGSM49AgEG
            CCqGSM49AwEHA0IABOxiGgQqMnpmapVm5KzUdyP7wcQF0U09ZbctqQeik752wY8/
            qK7uk6hjYmJVPAsDdUD8IUbyknmFaUK5nlE/p0SjQjBAMA8GA1UdEwEB/wQFMAMB
            Af8wDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBQ0TeuGbtULVAGIWBsqDEJ2RG5e
            MTAKBggqhkjOPQQDAgNIADBFAiAKskk10tyI3TIvg3WCgDlAfXbHFgjE3cMKBUJ2
            fRN5+gIhAMCWiQHJDIbA1REcr9Gfnyy59rZD1lX/L6TZBvXiVVs8
            -----END CERTIFICATE-----
            """;
    /** SHA-256 of the DER of {@link #TRUSTED_CA_PEM}, lower-case hex, as openssl computed it. */
    public static final String TRUSTED_CA_SHA256 = "12b45fccccbd9b2b05bcb2617204d16603f903a272c27803226e784cb53ba58f";
    /** Another CA certificate, valid 2020 to 2099: {@code CN=Testkit Second CA}. */
    public static final String SECOND_CA_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBjzCCATWgAwIBAgIBAjAKBggqhkjOPQQDAjAuMRowGAYDVQQDDBFUZXN0a2l0
            IFNlY29uZCBDQTEQMA4GA1UECgwHVGVzdGtpdDAgFw0yMDAxMDEwMDAwMDBaGA8y
            MDk5MTIzMTAwMDAwMFowLjEaMBgGA1UEAwwRVGVzdGtpdCBTZWNvbmQgQ0ExEDAO
            BgNVBAoMB1Rlc3RraXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASEpDbLL1vt
            0c17e6PBJv+xsXDnNladzTopo+rSLphrmGyyMsO9n1NtT3mVPufOmJyuT5E1sGOQ
            DMpltS31R7kko0IwQDAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAd
            BgNVHQ4EFgQUr6xVhhEpAYKVOOvJMubMfmUADTcwCgYIKoZIzj0EAwIDSAAwRQIg
            B1I8m1AKH1gpHTbpYxhIbuDoLqnt81kT0lnT6ozEc2YCIQDkQeJ03llMSkBzBTQ6
            Qv+I2vVzCzy1YwwqBGdUOg2kvw==
            -----END CERTIFICATE-----
            """;
    /** SHA-256 of the DER of {@link #SECOND_CA_PEM}, lower-case hex, as openssl computed it. */
    public static final String SECOND_CA_SHA256 = "06dd170f0be70d5abde6ab23537e2b9df1198bc4ce183df16b3dd69b5ee8d2c2";
    /** A CA certificate that expired on 2021-01-01: {@code CN=Testkit Expired CA}. */
    public static final String EXPIRED_CA_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBjjCCATWgAwIBAgIBAzAKBggqhkjOPQQDAjAvMRswGQYDVQQDDBJUZXN0a2l0
            IEV4cGlyZWQgQ0ExEDAOBgNVBAoMB1Rlc3RraXQwHhcNMjAwMTAxMDAwMDAwWhcN
            MjEwMTAxMDAwMDAwWjAvMRswGQYDVQQDDBJUZXN0a2l0IEV4cGlyZWQgQ0ExEDAO
            BgNVBAoMB1Rlc3RraXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQwgOqMwN9v
            NZzVuvve20NJv1Vb+XWsJDf+y3b8bRo1ILd3YoBeRN9hVlb3YoPtKtUOU5nWiOKD
            uV+jhFM1OIt3o0IwQDAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAd
            BgNVHQ4EFgQU3hdBZeaZvQCbyD+4UKLpSTuLYSowCgYIKoZIzj0EAwIDRwAwRAIg
            Lo4LLTjMo8L3vt4sbjDK73V2zUoggJSDMPM2FRLqT3MCIHoDphglgqtn9HLcW5XC
            zMsZw0Cui/ovS5/49xzffPn+
            -----END CERTIFICATE-----
            """;
    /** SHA-256 of the DER of {@link #EXPIRED_CA_PEM}, lower-case hex, as openssl computed it. */
    public static final String EXPIRED_CA_SHA256 = "0ab7fd8c4f731be2e68c97587ce8c0d801e458d6d1df9331d59f5bfa00ef36cf";
    /** A certificate that is not a CA's (basic constraints {@code cA=false}): {@code CN=Testkit Leaf}. */
    public static final String LEAF_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBgzCCASigAwIBAgIBBDAKBggqhkjOPQQDAjApMRUwEwYDVQQDDAxUZXN0a2l0
            IExlYWYxEDAOBgNVBAoMB1Rlc3RraXQwIBcNMjAwMTAxMDAwMDAwWhgPMjA5OTEy
            MzEwMDAwMDBaMCkxFTATBgNVBAMMDFRlc3RraXQgTGVhZjEQMA4GA1UECgwHVGVz
            dGtpdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABDCA6ozA3281nNW6+97bQ0m/
            VVv5dawkN/7LdvxtGjUgt3digF5E32FWVvdig+0q1Q5TmdaI4oO5X6OEUzU4i3ej
            PzA9MAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBTeF0Fl
            5pm9AJvIP7hQoulJO4thKjAKBggqhkjOPQQDAgNJADBGAiEA1UN14T233lIss8bw
            d/p9OVMgHVzkh15oVIey8ukBogkCIQDN0TKSvJI6VirZH3wZDsGNXPT8HHwobTH2
            tnpURVJDWg==
            -----END CERTIFICATE-----
            """;
    /** SHA-256 of the DER of {@link #LEAF_PEM}, lower-case hex, as openssl computed it. */
    public static final String LEAF_SHA256 = "fe7875d40b028cfb22f0758f98f64f857be5ddf8aa3b3b3b4764d20a513f32ce";

    private AttestationCertificates() {
    }

    /**
     * A certificate's PEM text as bytes, as a file would hold them.
     *
     * @param pem one of the PEM constants of this class
     * @return its bytes, US-ASCII
     */
    public static byte[] bytes(String pem) {
        return pem.getBytes(StandardCharsets.US_ASCII);
    }
}
