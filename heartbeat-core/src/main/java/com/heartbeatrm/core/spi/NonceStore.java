package com.heartbeatrm.core.spi;

import java.time.Instant;

/**
 * Replay protection shared by every server node: a nonce is accepted once while it is remembered. Entries
 * past their expiry may be forgotten at any time (requests that old are refused by their timestamp anyway).
 */
public interface NonceStore {
    /**
     * Remembers {@code nonce} until {@code expiresAt}, atomically. Returns false, changing nothing, when the
     * nonce is already remembered and not yet expired at {@code now}.
     */
    boolean remember(String nonce, Instant expiresAt, Instant now);

    /** True when the nonce is remembered and not expired at {@code now}; changes nothing. */
    boolean isRemembered(String nonce, Instant now);
}
