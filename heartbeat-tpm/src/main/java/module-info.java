/**
 * A TPM 2.0 client in pure Java (swtpm's TCP port, or the kernel's {@code /dev/tpmrm0}): ECDSA P-256 keys that never
 * leave the TPM, and TPM 2.0 attestation: the agent side ({@link com.heartbeatrm.tpm.TpmAttestor}) and the server's
 * verifier ({@link com.heartbeatrm.tpm.AttestationVerifier}, JDK crypto only). Marshalling stays in the unexported
 * {@code internal} package. For the agent: {@link com.heartbeatrm.tpm.TpmKeyCustody}, the agent key's custody in the
 * TPM, and {@link com.heartbeatrm.tpm.TpmEnrollmentAttestor}, which attests enrollments. Depends on the JDK and
 * heartbeat-agent (whose SPIs it implements).
 */
module com.heartbeatrm.tpm {
    // @Nullable for NullAway, at compile time only: the module needs the JDK only at run time.
    requires static org.jspecify;
    requires transitive com.heartbeatrm.agent;
    exports com.heartbeatrm.tpm;
}
