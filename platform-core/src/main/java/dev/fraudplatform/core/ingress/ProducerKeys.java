package dev.fraudplatform.core.ingress;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: the producers allowed to send to the gate, each with API keys kept only as SHA-256 hashes (keys are random,
 * high-entropy tokens, so a plain hash is enough; the key itself is shown once, when issued, and never stored).
 *
 * <p>A key is named by its id, the first {@value #KEY_ID_LENGTH} hex digits of its hash, which is safe to show. Keys
 * are never changed or deleted: revoking one appends its revocation, and a revoked key is refused from the next
 * request on.
 */
public interface ProducerKeys {
    int KEY_ID_LENGTH = 12;

    /**
     * {@code producerId}, when it is a well-formed producer id: 1 to 64 letters, digits, '.', '_' or '-'.
     *
     * @throws IllegalArgumentException naming {@code what} (e.g. "--producer") otherwise
     */
    static String checkProducerId(String what, String producerId) {
        if (producerId == null || !producerId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException(
                    what + " '" + producerId + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return producerId;
    }

    /**
     * {@code keyId}, when it is a key id as listed (or a longer prefix of the key's hash).
     *
     * @throws IllegalArgumentException otherwise
     */
    static String checkKeyId(String keyId) {
        if (keyId == null || !keyId.matches("[0-9a-f]{" + KEY_ID_LENGTH + ",64}")) {
            throw new IllegalArgumentException("key id '" + keyId + "' must be " + KEY_ID_LENGTH
                    + " to 64 lowercase hex digits, as 'fp ingress keys list' shows it");
        }
        return keyId;
    }

    /** Issues a new key for {@code producerId} and returns it; only its hash is kept. */
    String issue(String producerId);

    /** The producer a presented key belongs to, or empty for a missing, unknown or revoked key. */
    Optional<String> producerOf(String presentedKey);

    /** One issued key as an operator may see it: never the key itself. {@code revokedAt} is null while it is valid. */
    record KeyInfo(String keyId, String producerId, Instant issuedAt, Instant revokedAt, String revokeReason) {}

    /** Every key, oldest first. */
    List<KeyInfo> list();

    /**
     * Revokes the key with id {@code keyId} (or a longer prefix of its hash) for {@code reason}.
     *
     * @return the key as it now stands
     * @throws IllegalArgumentException when no key, or more than one, has that id, or it is already revoked
     */
    KeyInfo revoke(String keyId, String reason);

    /** The id of a presented key (it need not exist). */
    static String keyIdOf(String keySha256Hex) {
        return keySha256Hex.substring(0, KEY_ID_LENGTH);
    }
}
