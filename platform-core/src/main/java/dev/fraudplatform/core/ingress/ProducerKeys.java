package dev.fraudplatform.core.ingress;

import java.util.Optional;

/**
 * Port: the producers allowed to send to the gate, each with API keys kept only as SHA-256 hashes (keys are random,
 * high-entropy tokens, so a plain hash is enough; the key itself is shown once, when issued, and never stored).
 */
public interface ProducerKeys {

    /** Issues a new key for {@code producerId} and returns it; only its hash is kept. */
    String issue(String producerId);

    /** The producer a presented key belongs to, or empty for a missing, unknown or revoked key. */
    Optional<String> producerOf(String presentedKey);
}
