package dev.fraudplatform.core.store;

/**
 * An object's bytes no longer hash to the SHA-256 the store kept when it created the object: the object was changed
 * (or replaced) behind the platform's back. Thrown by a store's reads; the message is one line naming the key, the
 * store, and both digests.
 */
public class ObjectIntegrityException extends RuntimeException {
    private final String key;
    private final String expectedSha256;
    private final String foundSha256;

    /**
     * @param key the object's key
     * @param store where the object lives ({@link ObjectStore#describe()})
     * @param expectedSha256 the digest kept at create, hex; {@code null} when the object carries none (it was not
     *     written by the platform)
     * @param foundSha256 the digest of the bytes read, hex
     */
    public ObjectIntegrityException(String key, String store, String expectedSha256, String foundSha256) {
        super("object " + key + " in " + store + " changed behind the platform's back: SHA-256 kept at create "
                + (expectedSha256 == null ? "(none: not written by the platform)" : expectedSha256)
                + ", SHA-256 of its bytes now " + foundSha256);
        this.key = key;
        this.expectedSha256 = expectedSha256;
        this.foundSha256 = foundSha256;
    }

    public String key() {
        return key;
    }

    /** The digest kept at create, or {@code null} when the object carries none. */
    public String expectedSha256() {
        return expectedSha256;
    }

    public String foundSha256() {
        return foundSha256;
    }
}
