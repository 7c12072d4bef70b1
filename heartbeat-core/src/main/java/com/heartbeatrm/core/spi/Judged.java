package com.heartbeatrm.core.spi;

/**
 * What a judge returns: the verdict the store acts on, inside whatever else the judge wants back from the step. The
 * store hands the last value its judge returned back with the commit ({@link Committed}), as JDBI's
 * {@code inTransaction} returns its callback's value: nothing leaves the step through a side channel. A verdict is
 * its own {@code Judged}, for a judge that needs nothing else back.
 *
 * @param <V> the verdict type, {@link EnrollmentVerdict} or {@link RenewalVerdict}
 */
public interface Judged<V> {
    /**
     * The verdict the store acts on.
     *
     * @return the verdict
     */
    V verdict();
}
