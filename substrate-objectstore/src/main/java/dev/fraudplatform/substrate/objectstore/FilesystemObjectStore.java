package dev.fraudplatform.substrate.objectstore;

import dev.fraudplatform.core.store.ObjectAlreadyExistsException;
import dev.fraudplatform.core.store.ObjectNotFoundException;
import dev.fraudplatform.core.store.ObjectStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@link ObjectStore} on a local directory. A create writes a hidden temporary file beside the target, forces
 * it to disk, then publishes it with {@code link(2)}, which fails when the target exists: so an object appears
 * whole or not at all, and never overwrites another. Temporary files start with {@code .tmp-} and are never
 * listed.
 */
public final class FilesystemObjectStore implements ObjectStore {
    private static final String TMP_PREFIX = ".tmp-";
    private final Path root;

    public FilesystemObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create object store root " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    /**
     * Proves the directory takes a create: a temporary file is written, forced to disk and removed (never listed).
     *
     * @return one line: where the store is, and that it is writable
     * @throws UncheckedIOException with a one-line reason when it is not
     */
    public String checkWritable() {
        try {
            Path probe = Files.createTempFile(root, TMP_PREFIX + "probe-", "");
            Files.delete(probe);
            return root + " is writable (" + Files.getFileStore(root).getUsableSpace() / (1L << 20) + " MiB free)";
        } catch (IOException e) {
            throw new UncheckedIOException("the object store directory " + root + " is not writable: " + e, e);
        }
    }

    /** The file behind a key, for tools that need a local path (DuckDB, hashing). */
    public Path pathOf(String key) {
        ObjectStore.checkKey(key);
        return root.resolve(key);
    }

    @Override
    public java.util.Optional<Path> localPath(String key) {
        return java.util.Optional.of(pathOf(key));
    }

    @Override
    public void create(String key, ContentWriter writer) {
        Path target = pathOf(key);
        if (Files.exists(target)) {
            throw new ObjectAlreadyExistsException(key);
        }
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = target.resolveSibling(TMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
            try (var channel = java.nio.channels.FileChannel.open(
                            tmp, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                    OutputStream out =
                            new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16)) {
                writer.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.createLink(target, tmp);
            } catch (FileAlreadyExistsException e) {
                throw new ObjectAlreadyExistsException(key);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + key, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temp file is never listed, and is harmless
                }
            }
        }
    }

    @Override
    public InputStream open(String key) {
        try {
            return Files.newInputStream(pathOf(key));
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        } catch (IOException e) {
            throw new UncheckedIOException("opening " + key, e);
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(pathOf(key));
    }

    @Override
    public List<String> list(String prefix) {
        // A prefix may end inside a name ("audit/p1-") or at a folder ("audit/"): walk from the deepest folder.
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try {
            // Writers create and remove temporary files while we walk: a file that vanishes is simply not listed.
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(TMP_PREFIX)) {
                        String key = root.relativize(file).toString().replace('\\', '/');
                        if (key.startsWith(prefix)) keys.add(key);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + prefix, e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public long size(String key) {
        try {
            return Files.size(pathOf(key));
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        } catch (IOException e) {
            throw new UncheckedIOException("sizing " + key, e);
        }
    }

    @Override
    public String describe() {
        return "file://" + root;
    }
}
