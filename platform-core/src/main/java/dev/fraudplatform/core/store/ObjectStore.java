package dev.fraudplatform.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Port: a flat key space of immutable objects (the filesystem locally, S3 in the cloud).
 *
 * <p>Keys are {@code /}-separated relative paths of letters, digits and {@code ._=-}, never starting with
 * {@code /} and never containing {@code ..}. Every write is atomic and conditional: an object appears
 * whole or not at all, and a second create of the same key fails with {@link ObjectAlreadyExistsException}
 * rather than overwriting. Implementations are thread-safe.
 */
public interface ObjectStore {

    /** Writes an object's content; the store makes it visible atomically once the writer returns. */
    @FunctionalInterface
    interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Creates {@code key} with {@code content}; fails if the key exists. */
    default void create(String key, byte[] content) {
        create(key, out -> out.write(content));
    }

    /** Creates {@code key} with what {@code writer} writes; fails if the key exists, leaving nothing behind on error. */
    void create(String key, ContentWriter writer);

    /** Opens an object for reading. */
    InputStream open(String key) throws ObjectNotFoundException;

    default byte[] read(String key) {
        try (InputStream in = open(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + key, e);
        }
    }

    default Optional<byte[]> readIfExists(String key) {
        return exists(key) ? Optional.of(read(key)) : Optional.empty();
    }

    boolean exists(String key);

    /** Every key under {@code prefix} (recursively), in lexicographic order. */
    List<String> list(String prefix);

    /** Object size in bytes. */
    long size(String key);

    /**
     * The object as a local file that tools such as DuckDB can open in place, if the store keeps its objects on the
     * local filesystem; empty otherwise (copy the object out with {@link #open(String)}). Callers must not write to it.
     */
    default Optional<java.nio.file.Path> localPath(String key) {
        return Optional.empty();
    }

    /** A description of where the store lives, for logs and reports. */
    String describe();

    /**
     * Where a person finds the object {@code key}: its local file when the store has one ({@link #localPath}), else
     * the store's {@link #describe() description} and the key. For messages, never parsed.
     */
    default String locationOf(String key) {
        return localPath(key).map(java.nio.file.Path::toString).orElse(describe() + " " + key);
    }

    static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("//")) {
            throw new IllegalArgumentException("bad object key: " + key);
        }
        for (String part : key.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("bad object key: " + key);
            }
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '/'
                    || c == '.'
                    || c == '_'
                    || c == '='
                    || c == '-';
            if (!ok) throw new IllegalArgumentException("bad character '" + c + "' in object key: " + key);
        }
    }
}
