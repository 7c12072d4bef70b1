/**
 * A TPM 2.0 client in pure Java (swtpm's TCP port, or the kernel's {@code /dev/tpmrm0}): ECDSA P-256 keys that never
 * leave the TPM, and TPM 2.0 attestation: the agent side ({@link com.heartbeatrm.tpm.TpmAttestor}) and the server's
 * verifier ({@link com.heartbeatrm.tpm.AttestationVerifier}, JDK crypto only). Marshalling stays in the unexported
 * {@code internal} package. Depends on the JDK only.
 */
module com.heartbeatrm.tpm {
    // @Nullable for NullAway, at compile time only: the module needs the JDK only at run time.
    requires static org.jspecify;
    exports com.heartbeatrm.tpm;
}
