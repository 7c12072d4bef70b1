package com.heartbeatrm.core;

/**
 * The explicit permission to read secret bytes. Code that reads a secret must ask for it by name, which makes
 * every place that handles raw key material easy to find and review (the pattern of Tink's
 * {@code SecretKeyAccess}).
 */
public final class SecretAccess {
    private static final SecretAccess INSTANCE = new SecretAccess();

    private SecretAccess() {
    }

    /**
     * Grants access. Call it only where raw secret bytes must leave their holder (encryption, export).
     *
     * @return the permission
     */
    public static SecretAccess grant() {
        return INSTANCE;
    }
}
