package com.heartbeatrm.core;

import com.heartbeatrm.core.spi.HeartbeatStore;
import java.time.Clock;

/**
 * What every section of {@link HeartbeatAdmin} that changes the model works over: the store, where each audited
 * change is one call in one transaction, and the clock that stamps the change and its audit record.
 */
abstract class AdminSection {
    /** Where the model and the audit log are kept. */
    final HeartbeatStore store;
    /** The time every change and audit record is stamped with. */
    final Clock clock;

    AdminSection(HeartbeatStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * A store's update of one kind of thing: stored only if it is still at the expected version, together with its
     * audit record in one transaction.
     *
     * @param <T> the kind of thing
     */
    @FunctionalInterface
    interface Update<T> {
        /**
         * Stores the change.
         *
         * @param changed the changed thing
         * @param expectedVersion the version the caller read
         * @param audit the record of the change
         * @return the stored thing
         */
        T apply(T changed, long expectedVersion, AuditEvent audit);
    }

    /**
     * Renames {@code current}, stored through {@code update} if it is still at {@code expectedVersion}, audited as
     * every rename is: {@code action} on {@code subject}, the old name before and the new one after, stamped with
     * the section's clock. The caller has checked the new name and the actor is not null.
     *
     * @param <T> the kind of thing
     * @param actor who renames it
     * @param org the organization
     * @param subject what the audit record names
     * @param action the audit action of a rename of this kind
     * @param current the thing as read
     * @param newName the checked new name
     * @param expectedVersion the version the caller read
     * @param update the store's update of this kind
     * @return the renamed thing as stored
     */
    final <T extends Named<T>> T rename(Actor actor, OrganizationId org, Subject subject, AuditAction action,
            T current, String newName, long expectedVersion, Update<T> update) {
        T changed = current.withName(newName);
        return update.apply(changed, expectedVersion, AuditEvent.renamed(clock.instant(), org, actor, action, subject,
                current.name(), changed.name()));
    }
}
