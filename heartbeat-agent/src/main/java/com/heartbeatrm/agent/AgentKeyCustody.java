package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import java.nio.file.Path;

/**
 * Where an agent's private key lives: the software state file, a PKCS#11 token, a TPM. A custody generates the
 * agent's key at enrollment ({@link #generate}) and finds it again after a restart ({@link #open}) from what the
 * state directory recorded: the custody's {@link #name()}, the key's algorithm and public key, and the key's
 * {@link CustodyKey#reference() reference}.
 *
 * <h2>Contract for implementations</h2>
 * <ul>
 * <li>{@link #name()} is fixed per kind of custody ({@code file}, {@code pkcs11}, {@code tpm}): lower-case letters,
 * digits and {@code -}, 1 to 32 characters. A state directory that records another name is refused
 * ({@link KeyCustodyException.Kind#OTHER_CUSTODY}).</li>
 * <li>{@link #generate} makes a new key of {@link #algorithm()} that this custody holds; a custody that cannot hold
 * that algorithm throws {@link KeyCustodyException.Kind#UNSUPPORTED}. Keys on a device should be created so that
 * they cannot leave it.</li>
 * <li>{@link #open} must find the same key or refuse: when the device at hand does not hold it (a state directory
 * copied to another computer, another token, a cleared TPM), it throws
 * {@link KeyCustodyException.Kind#NOT_FOUND}, and when the device cannot be used at all (missing library, wrong PIN,
 * TPM unreachable), {@link KeyCustodyException.Kind#UNAVAILABLE}. It never makes a new key in place of a missing
 * one: the agent then stops with that error instead of enrolling again as someone else. The key it returns must
 * have exactly the recorded algorithm and public key.</li>
 * <li>{@link CustodyKey#sign} returns the signature in the wire encoding of the key's algorithm
 * ({@link AgentKeyAlgorithm}): 64 bytes, P1363 {@code r || s} for ECDSA P-256. A device that signs in DER converts
 * with {@link AgentKeyAlgorithm#p1363FromDer}.</li>
 * <li>{@link CustodyKey#reference()} is at most 16 KiB. It is written to the owner-only state directory, so it may
 * hold a secret (the software custody's private key) or a wrapped blob (a TPM's); for a token it names the key
 * and the token (label, id, the token's serial). Neither a key nor a custody prints a secret.</li>
 * </ul>
 * Implementations must be thread-safe. A TPM custody (in {@code heartbeat-tpm}'s users) implements this interface.
 */
public interface AgentKeyCustody {
    /** The longest {@link CustodyKey#reference()} a state directory keeps. */
    int MAX_REFERENCE_BYTES = 16 * 1024;

    /** {@return the custody's kind as the state directory records it: {@code file}, {@code pkcs11}, {@code tpm}, ...} */
    String name();

    /** {@return the algorithm of the keys {@link #generate} makes} */
    AgentKeyAlgorithm algorithm();

    /**
     * A new key of {@link #algorithm()} held by this custody.
     *
     * @return the key
     * @throws KeyCustodyException the custody cannot make such a key ({@code UNSUPPORTED}) or cannot be used now
     *                             ({@code UNAVAILABLE})
     */
    CustodyKey generate() throws KeyCustodyException;

    /**
     * The key this custody generated earlier, found again from its recorded algorithm, public key and reference;
     * refused with {@link KeyCustodyException.Kind#NOT_FOUND} when this custody does not hold it.
     *
     * @param algorithm the key's recorded algorithm
     * @param publicKey the key's recorded public key, in {@code algorithm}'s encoding
     * @param reference what {@link CustodyKey#reference()} gave, at most {@link #MAX_REFERENCE_BYTES}
     * @return the key
     * @throws KeyCustodyException {@code NOT_FOUND} when this custody does not hold that key (a copied state
     *                             directory), {@code UNAVAILABLE} when the device cannot be used
     */
    CustodyKey open(AgentKeyAlgorithm algorithm, byte[] publicKey, byte[] reference) throws KeyCustodyException;

    /**
     * Removes {@code key} from the device that holds it, so that an identity the agent has forgotten, or an enrollment
     * key the server refused, leaves no usable key behind (a token's capacity is small, too). A key this custody no
     * longer holds is not an error. {@link FileAgentIdentityStore} calls it once the state file that names the key is
     * gone, and never for the key of the saved identity unless the identity itself is deleted.
     *
     * <p>The default removes nothing: it is right for a custody whose key lives only in the state directory (the
     * software file; a TPM's wrapped blob, which the TPM cannot load once the file is gone).
     *
     * @param key a key this custody generated or opened
     * @throws KeyCustodyException the device holds the key but could not remove it ({@code UNAVAILABLE})
     */
    default void destroy(CustodyKey key) throws KeyCustodyException {
    }

    /** {@return today's custody: the private key in the owner-only state file; new keys are Ed25519} */
    static AgentKeyCustody software() {
        return software(AgentKeyAlgorithm.ED25519);
    }

    /**
     * The private key in the owner-only state file; new keys have {@code algorithm}.
     *
     * @param algorithm the algorithm of new keys
     * @return the custody
     */
    static AgentKeyCustody software(AgentKeyAlgorithm algorithm) {
        return new SoftwareKeyCustody(algorithm);
    }

    /**
     * Keys on a PKCS#11 token through the JDK's SunPKCS11 provider: {@code configuration} is a SunPKCS11
     * configuration file (library, slot or token), {@code pinFile} holds the user PIN (one line; an owner-only file).
     * New keys have {@code algorithm} (ECDSA P-256 only: SunPKCS11 has no EdDSA) and are generated on the token,
     * sensitive and not extractable, under a fresh random label; they are found again by that label and their public
     * key, so a state directory copied to another computer, whose token does not hold the key, is refused.
     *
     * @param configuration a SunPKCS11 configuration file; read on first use
     * @param pinFile       the owner-only file holding the user PIN; read at login, never kept
     * @param algorithm     the algorithm of new keys; only ECDSA P-256 can be generated
     * @return the custody; nothing is read until it is used
     */
    static AgentKeyCustody pkcs11(Path configuration, Path pinFile, AgentKeyAlgorithm algorithm) {
        return new Pkcs11KeyCustody(configuration, pinFile, algorithm);
    }
}
