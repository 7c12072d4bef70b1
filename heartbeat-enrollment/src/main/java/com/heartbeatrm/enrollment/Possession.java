package com.heartbeatrm.enrollment;

import com.heartbeatrm.enrollment.Steps.Decision;
import java.time.Duration;
import java.time.Instant;

/**
 * The checks enrollment and renewal share: proof of possession (the request is signed by the private key of the
 * public key it presents), the clock (its timestamp lies within the allowed skew) and replay (its nonce is new).
 * Both pipelines run them as steps of their own, with these words and reasons.
 */
final class Possession {
    private Possession() {
    }

    static <E> Decision<E> proof(E evidence, boolean proofVerifies) {
        return proofVerifies ? Steps.pass(evidence, () -> "signed by the presented agent key")
                : Steps.deny(DenialReason.BAD_PROOF, "the request signature does not verify", evidence);
    }

    static <E> Decision<E> clock(E evidence, Instant timestamp, Instant now, Duration maxSkew) {
        Duration skew = Duration.between(timestamp, now).abs();
        return skew.compareTo(maxSkew) > 0
                ? Steps.deny(DenialReason.CLOCK_SKEW, "request time is " + skew.toSeconds() + " s off", evidence)
                : Steps.pass(evidence, () -> "within " + maxSkew.toSeconds() + " s");
    }

    static <E> Decision<E> replay(E evidence, boolean nonceSeen) {
        return nonceSeen ? Steps.deny(DenialReason.REPLAYED, "nonce already used", evidence) : Steps.pass(evidence, () -> "nonce is fresh");
    }

    /** How long a nonce must be remembered: until no request with its timestamp can pass the clock check. */
    static Instant nonceExpiry(Instant timestamp, Duration maxSkew) {
        return timestamp.plus(maxSkew).plusSeconds(1);
    }
}
