package dev.fraudplatform.core.store;

/**
 * A store could not do what was asked for a reason outside the caller's key: its server is unreachable, the
 * bucket is missing, the credentials are refused. The message is one line for a person (which store, which
 * operation on which key, why), with no library class names and never a secret.
 */
public class ObjectStoreException extends RuntimeException {
    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public ObjectStoreException(String message) {
        super(message);
    }
}
