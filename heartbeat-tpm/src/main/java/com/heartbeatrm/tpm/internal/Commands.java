package com.heartbeatrm.tpm.internal;

import com.heartbeatrm.tpm.TpmException;

/**
 * The TPM 2.0 commands this client sends, marshalled and unmarshalled by hand (TPM 2.0 Library, Part 3). Sessions are
 * the empty password (the keys made here have no auth value) and, for the endorsement key, one policy session that
 * satisfies PolicySecret(TPM_RH_ENDORSEMENT). No parameter encryption: nothing secret crosses the wire in the clear
 * except the activated credential, which the server already knows.
 */
public final class Commands {
    private final Transport transport;

    public Commands(Transport transport) {
        this.transport = transport;
    }

    /** What a command returned: its response handles and a reader over exactly its response parameters. */
    public record Response(int[] handles, TpmReader params) {}

    /** A loaded or created object: its transient handle and public area. */
    public record Created(int handle, byte[] publicArea) {}

    /** A wrapped key: TPM2B_PRIVATE and TPM2B_PUBLIC contents. */
    public record Wrapped(byte[] privateBlob, byte[] publicArea) {}

    /** A signature as the TPM returned it. */
    public record Signature(int algorithm, byte[] r, byte[] s) {}

    public Response run(String name, int cc, int[] handles, int[] sessions, byte[] params, int responseHandles)
            throws TpmException {
        TpmWriter w = new TpmWriter();
        w.u16(sessions.length == 0 ? Tpm2.ST_NO_SESSIONS : Tpm2.ST_SESSIONS).u32(0).u32(cc);
        for (int h : handles) {
            w.u32(h);
        }
        if (sessions.length > 0) {
            TpmWriter auth = new TpmWriter();
            for (int s : sessions) {
                // continueSession for the password session; a policy session is used once and flushed by the TPM.
                auth.u32(s).sized(new byte[0]).u8(s == Tpm2.RS_PW ? 1 : 0).sized(new byte[0]);
            }
            byte[] a = auth.toByteArray();
            w.u32(a.length).raw(a);
        }
        w.raw(params);
        byte[] command = w.toByteArray();
        int size = command.length;
        command[2] = (byte) (size >>> 24);
        command[3] = (byte) (size >>> 16);
        command[4] = (byte) (size >>> 8);
        command[5] = (byte) size;
        byte[] response = transport.transmit(command);
        try {
            TpmReader r = new TpmReader(response);
            int tag = r.u16("response tag");
            r.u32("response size");
            int rc = r.u32("response code");
            if (rc != 0) {
                throw new TpmException(name, rc);
            }
            if (tag != (sessions.length == 0 ? Tpm2.ST_NO_SESSIONS : Tpm2.ST_SESSIONS)) {
                throw new TpmReader.Malformed("response tag 0x" + Integer.toHexString(tag));
            }
            int[] out = new int[responseHandles];
            for (int i = 0; i < responseHandles; i++) {
                out[i] = r.u32("response handle");
            }
            if (sessions.length == 0) {
                return new Response(out, new TpmReader(response, r.position(), response.length));
            }
            int paramSize = r.u32("parameterSize");
            if (paramSize < 0 || paramSize > r.remaining()) {
                throw new TpmReader.Malformed("parameterSize out of range");
            }
            int start = r.position();
            return new Response(out, new TpmReader(response, start, start + paramSize));
        } catch (TpmReader.Malformed e) {
            throw malformed(name, e);
        }
    }

    static TpmException malformed(String name, TpmReader.Malformed e) {
        return new TpmException(TpmException.Kind.MALFORMED_RESPONSE, name + " response: " + e.getMessage(), e);
    }

    private static byte[] createParams(byte[] template) {
        return new TpmWriter()
                .u16(4).u16(0).u16(0) // TPM2B_SENSITIVE_CREATE: empty userAuth, empty data
                .sized(template)
                .sized(new byte[0]) // outsideInfo
                .u32(0) // creationPCR: no banks
                .toByteArray();
    }

    public Created createPrimary(int hierarchy, byte[] template) throws TpmException {
        Response resp = run("TPM2_CreatePrimary", Tpm2.CC_CREATE_PRIMARY, new int[] {hierarchy}, new int[] {Tpm2.RS_PW},
                createParams(template), 1);
        try {
            byte[] pub = resp.params().sized(Tpm2.MAX_PUBLIC, "outPublic");
            return new Created(resp.handles()[0], pub);
        } catch (TpmReader.Malformed e) {
            throw malformed("TPM2_CreatePrimary", e);
        }
    }

    public Wrapped create(int parent, byte[] template) throws TpmException {
        Response resp = run("TPM2_Create", Tpm2.CC_CREATE, new int[] {parent}, new int[] {Tpm2.RS_PW}, createParams(template), 0);
        try {
            byte[] priv = resp.params().sized(Tpm2.MAX_PRIVATE, "outPrivate");
            byte[] pub = resp.params().sized(Tpm2.MAX_PUBLIC, "outPublic");
            return new Wrapped(priv, pub);
        } catch (TpmReader.Malformed e) {
            throw malformed("TPM2_Create", e);
        }
    }

    public int load(int parent, Wrapped key) throws TpmException {
        byte[] params = new TpmWriter().sized(key.privateBlob()).sized(key.publicArea()).toByteArray();
        return run("TPM2_Load", Tpm2.CC_LOAD, new int[] {parent}, new int[] {Tpm2.RS_PW}, params, 1).handles()[0];
    }

    public void flush(int handle) throws TpmException {
        run("TPM2_FlushContext", Tpm2.CC_FLUSH_CONTEXT, new int[0], new int[0], new TpmWriter().u32(handle).toByteArray(), 0);
    }

    /** Flushes, ignoring failure: used on the way out of an operation that already failed or finished. */
    public void flushQuietly(int handle) {
        try {
            flush(handle);
        } catch (TpmException e) {
            // The handle is gone with the connection or was never there; nothing else to release.
        }
    }

    public Signature sign(int key, byte[] digest) throws TpmException {
        byte[] params = new TpmWriter()
                .sized(digest)
                .u16(Tpm2.ALG_NULL) // the key's own scheme
                .u16(Tpm2.ST_HASHCHECK).u32(Tpm2.RH_NULL).sized(new byte[0])
                .toByteArray();
        Response resp = run("TPM2_Sign", Tpm2.CC_SIGN, new int[] {key}, new int[] {Tpm2.RS_PW}, params, 0);
        return readSignature("TPM2_Sign", resp.params());
    }

    static Signature readSignature(String name, TpmReader r) throws TpmException {
        try {
            int alg = r.u16("signature.sigAlg");
            if (alg != Tpm2.ALG_ECDSA) {
                throw new TpmReader.Malformed("signature is not ECDSA");
            }
            int hash = r.u16("signature.hash");
            if (hash != Tpm2.ALG_SHA256) {
                throw new TpmReader.Malformed("signature hash is not SHA-256");
            }
            byte[] sr = r.sized(66, "signature.r");
            byte[] ss = r.sized(66, "signature.s");
            return new Signature(alg, sr, ss);
        } catch (TpmReader.Malformed e) {
            throw malformed(name, e);
        }
    }

    /** NV_ReadPublic: the index's data size, or empty when the index is not defined. */
    public java.util.OptionalInt nvSize(int index) throws TpmException {
        try {
            Response resp = run("TPM2_NV_ReadPublic", Tpm2.CC_NV_READ_PUBLIC, new int[] {index}, new int[0], new byte[0], 0);
            TpmReader nvPublic = resp.params().nested(256, "nvPublic");
            nvPublic.u32("nvIndex");
            nvPublic.u16("nameAlg");
            nvPublic.u32("attributes");
            nvPublic.sized(Tpm2.MAX_DIGEST, "authPolicy");
            return java.util.OptionalInt.of(nvPublic.u16("dataSize"));
        } catch (TpmException e) {
            if (e.kind() == TpmException.Kind.TPM_ERROR && e.baseCode() == TpmException.RC_HANDLE) {
                return java.util.OptionalInt.empty();
            }
            throw e;
        } catch (TpmReader.Malformed e) {
            throw malformed("TPM2_NV_ReadPublic", e);
        }
    }

    /** Reads a whole NV index with owner authorization, in chunks the TPM accepts. */
    public byte[] nvRead(int index, int size) throws TpmException {
        byte[] data = new byte[size];
        int chunk = 512;
        for (int offset = 0; offset < size; offset += chunk) {
            int n = Math.min(chunk, size - offset);
            byte[] params = new TpmWriter().u16(n).u16(offset).toByteArray();
            Response resp = run("TPM2_NV_Read", Tpm2.CC_NV_READ, new int[] {Tpm2.RH_OWNER, index}, new int[] {Tpm2.RS_PW}, params, 0);
            try {
                byte[] part = resp.params().sized(chunk, "data");
                if (part.length != n) {
                    throw new TpmReader.Malformed("NV read returned " + part.length + " bytes, asked " + n);
                }
                System.arraycopy(part, 0, data, offset, n);
            } catch (TpmReader.Malformed e) {
                throw malformed("TPM2_NV_Read", e);
            }
        }
        return data;
    }

    /** A policy session already satisfying PolicySecret(TPM_RH_ENDORSEMENT), the default EK's policy. */
    public int endorsementPolicySession() throws TpmException {
        byte[] start = new TpmWriter()
                .sized(new byte[16]) // nonceCaller: must be at least 16 bytes; no secret rides on it
                .sized(new byte[0]) // no salt
                .u8(Tpm2.SE_POLICY)
                .u16(Tpm2.ALG_NULL) // no parameter encryption
                .u16(Tpm2.ALG_SHA256)
                .toByteArray();
        int session = run("TPM2_StartAuthSession", Tpm2.CC_START_AUTH_SESSION, new int[] {Tpm2.RH_NULL, Tpm2.RH_NULL},
                new int[0], start, 1).handles()[0];
        try {
            byte[] params = new TpmWriter().sized(new byte[0]).sized(new byte[0]).sized(new byte[0]).u32(0).toByteArray();
            run("TPM2_PolicySecret", Tpm2.CC_POLICY_SECRET, new int[] {Tpm2.RH_ENDORSEMENT, session}, new int[] {Tpm2.RS_PW},
                    params, 0);
            return session;
        } catch (TpmException e) {
            flushQuietly(session);
            throw e;
        }
    }

    public byte[] activateCredential(int activated, int ek, int policySession, byte[] credentialBlob, byte[] encryptedSecret)
            throws TpmException {
        byte[] params = new TpmWriter().sized(credentialBlob).sized(encryptedSecret).toByteArray();
        Response resp = run("TPM2_ActivateCredential", Tpm2.CC_ACTIVATE_CREDENTIAL, new int[] {activated, ek},
                new int[] {Tpm2.RS_PW, policySession}, params, 0);
        try {
            return resp.params().sized(Tpm2.MAX_DIGEST, "certInfo");
        } catch (TpmReader.Malformed e) {
            throw malformed("TPM2_ActivateCredential", e);
        }
    }

    /** TPM2_Certify: returns the TPM2B_ATTEST contents and the signature. */
    public Certified certify(int object, int signer, byte[] qualifyingData) throws TpmException {
        byte[] params = new TpmWriter().sized(qualifyingData).u16(Tpm2.ALG_NULL).toByteArray();
        Response resp = run("TPM2_Certify", Tpm2.CC_CERTIFY, new int[] {object, signer}, new int[] {Tpm2.RS_PW, Tpm2.RS_PW},
                params, 0);
        try {
            byte[] attest = resp.params().sized(Tpm2.MAX_MESSAGE, "certifyInfo");
            return new Certified(attest, readSignature("TPM2_Certify", resp.params()));
        } catch (TpmReader.Malformed e) {
            throw malformed("TPM2_Certify", e);
        }
    }

    /** What TPM2_Certify returned. */
    public record Certified(byte[] attest, Signature signature) {}
}
