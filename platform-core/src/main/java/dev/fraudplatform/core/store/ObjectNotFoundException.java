package dev.fraudplatform.core.store;

/** No object under the key. */
public class ObjectNotFoundException extends RuntimeException {
    public ObjectNotFoundException(String key) {
        super("no such object: " + key);
    }
}
