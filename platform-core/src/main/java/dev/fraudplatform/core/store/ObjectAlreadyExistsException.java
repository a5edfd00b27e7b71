package dev.fraudplatform.core.store;

/** A create found the key already present; nothing was written. */
public class ObjectAlreadyExistsException extends RuntimeException {
    private final String key;

    public ObjectAlreadyExistsException(String key) {
        super("object already exists: " + key);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
