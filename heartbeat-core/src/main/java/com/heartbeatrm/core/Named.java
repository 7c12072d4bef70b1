package com.heartbeatrm.core;

/**
 * A named, versioned thing of the model that an admin section renames: the name it has and a copy with another,
 * the version kept (the store bumps it on update).
 *
 * @param <T> the thing itself
 */
interface Named<T extends Named<T>> {
    /**
     * The current name.
     *
     * @return the name
     */
    String name();

    /**
     * A copy with another name, validated as the constructor validates names.
     *
     * @param newName the new name
     * @return the renamed copy
     */
    T withName(String newName);
}
