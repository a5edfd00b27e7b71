package dev.fraudplatform.substrate.kafka;

/**
 * The platform cannot use a Kafka cluster: unreachable, credentials refused, TLS failed, not authorized. The message
 * is one line for a person (which cluster, what went wrong, which setting or variable to look at); it names no Kafka
 * class and holds no secret. The cause, if any, is Kafka's own exception, for a debug log.
 */
public final class KafkaAccessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KafkaAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
