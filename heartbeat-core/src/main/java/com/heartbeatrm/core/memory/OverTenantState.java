package com.heartbeatrm.core.memory;

/**
 * The base of every in-memory store but the facade: each one reads and changes the one {@link TenantState} the
 * facade shares among them, under its locks.
 */
abstract class OverTenantState {
    /** The tenants, their locks and the audit sequence, shared by all the stores of one facade. */
    final TenantState state;

    OverTenantState(TenantState state) {
        this.state = state;
    }
}
