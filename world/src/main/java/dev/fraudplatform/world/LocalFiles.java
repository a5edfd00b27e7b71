package dev.fraudplatform.world;

import dev.fraudplatform.core.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;

/**
 * World files as local paths for DuckDB, which reads files, not object stores: a filesystem store's own files are used
 * in place; any other store's objects are copied into a scratch directory that {@link #close()} removes.
 */
final class LocalFiles implements AutoCloseable {
    private final ObjectStore store;
    private Path scratch;

    LocalFiles(ObjectStore store) {
        this.store = store;
    }

    Path of(String key) {
        var local = store.localPath(key);
        if (local.isPresent()) return local.get();
        try {
            if (scratch == null) scratch = Files.createTempDirectory("fp-world-read-");
            Path copy = scratch.resolve(key);
            if (!Files.exists(copy)) {
                Files.createDirectories(copy.getParent());
                try (InputStream in = store.open(key)) {
                    Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + key + " out of " + store.describe(), e);
        }
    }

    /** Scratch space for DuckDB's own spill files. */
    Path scratch() {
        try {
            if (scratch == null) scratch = Files.createTempDirectory("fp-world-read-");
            return scratch;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (scratch != null) deleteTree(scratch);
    }

    /** Removes a scratch directory and everything in it, as far as it can: nothing of a world lives there. */
    static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // scratch space only
        }
    }
}
