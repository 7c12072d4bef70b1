package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.InvalidInputException;
import java.time.Instant;
import java.util.Comparator;

/**
 * The page cursors every store uses, so that a cursor means the same on every backend: a position in a list
 * ordered by (instant, id), or by a sequence number.
 */
public final class Cursors {
    private Cursors() {
    }

    /**
     * A position after the item created at {@code at} with {@code id}.
     *
     * @param at the item's creation time
     * @param id the item's id
     */
    public record Position(Instant at, String id) {
        /** List order: by instant, then by id. */
        public static final Comparator<Position> ORDER = Comparator.comparing(Position::at).thenComparing(Position::id);
    }

    /**
     * The cursor for the position after an item of a list ordered by (instant, id).
     *
     * @param at the item's creation time
     * @param id the item's id, 1 to 64 base64url characters
     * @return the cursor text, {@code seconds.nanos.id}
     */
    public static String of(Instant at, String id) {
        return at.getEpochSecond() + "." + at.getNano() + "." + id;
    }

    /**
     * Reads a cursor written by {@link #of}.
     *
     * @param cursor the cursor text from a {@link com.heartbeatrm.core.PageRequest}
     * @return the position
     * @throws InvalidInputException when the cursor is malformed
     */
    public static Position parse(String cursor) {
        String[] parts = cursor.split("\\.", 3);
        try {
            if (parts.length == 3 && parts[2].matches("[A-Za-z0-9_-]{1,64}")) {
                int nano = Integer.parseInt(parts[1]);
                if (nano >= 0 && nano < 1_000_000_000) {
                    return new Position(Instant.ofEpochSecond(Long.parseLong(parts[0]), nano), parts[2]);
                }
            }
        } catch (NumberFormatException | java.time.DateTimeException e) {
            // reported below
        }
        throw new InvalidInputException("cursor", "malformed page cursor");
    }

    /**
     * The cursor for the position after a sequence number, for lists ordered by sequence.
     *
     * @param sequence the last sequence number listed
     * @return the cursor text
     */
    public static String ofSequence(long sequence) {
        return Long.toString(sequence);
    }

    /**
     * Reads a cursor written by {@link #ofSequence}.
     *
     * @param cursor the cursor text
     * @return the sequence number, not negative
     * @throws InvalidInputException when the cursor is not a non-negative number
     */
    public static long parseSequence(String cursor) {
        try {
            long s = Long.parseLong(cursor);
            if (s >= 0) {
                return s;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException("cursor", "malformed page cursor");
    }
}
