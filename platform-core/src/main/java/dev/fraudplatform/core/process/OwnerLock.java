package dev.fraudplatform.core.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ownership of a file by one live process: an exclusive lock on it, held for as long as the owner lives. The operating
 * system drops the lock when the process dies, however it dies (SIGKILL included), so a lock that can be taken means
 * that no live process owns the file, and whatever a former owner left behind is free to reclaim.
 *
 * <p>POSIX record locks belong to the process and are dropped when <em>any</em> descriptor of the file is closed in
 * it. So this JVM never opens a second channel on a file it holds: the files held here are kept in one registry, and
 * {@link #isHeld} answers for them without touching the file.
 */
public final class OwnerLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, OwnerLock> HELD_HERE = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private OwnerLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes ownership of {@code file} (created if missing) and writes this process's pid into it; empty when a live
     * process (this one included) holds it.
     */
    public static synchronized Optional<OwnerLock> tryAcquire(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        if (HELD_HERE.containsKey(key)) return Optional.empty();
        FileChannel channel =
                FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close(); // this JVM holds no lock on the file (checked above), so closing drops nobody's
            return Optional.empty();
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(true);
        OwnerLock owner = new OwnerLock(key, channel, lock);
        HELD_HERE.put(key, owner);
        return Optional.of(owner);
    }

    /** Whether a live process (this one included) owns {@code file}; false when the file does not exist. */
    public static synchronized boolean isHeld(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        if (HELD_HERE.containsKey(key)) return true;
        if (!Files.exists(key)) return false;
        try (FileChannel channel = FileChannel.open(key, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) return true;
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }

    /** The pid the owner wrote into {@code file}, if it can be read. */
    public static Optional<Long> ownerPid(Path file) {
        try {
            String s = Files.readString(file).trim();
            return s.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public Path file() {
        return file;
    }

    /**
     * The same ownership after the owned file (or a directory above it) was moved to {@code newFile}: the lock is on
     * the file itself and is kept throughout; only this JVM's record of its name changes. This lock is spent.
     */
    public synchronized OwnerLock movedTo(Path newFile) {
        Path key = newFile.toAbsolutePath().normalize();
        synchronized (OwnerLock.class) {
            if (!HELD_HERE.remove(file, this)) throw new IllegalStateException("not held: " + file);
            OwnerLock moved = new OwnerLock(key, channel, lock);
            HELD_HERE.put(key, moved);
            return moved;
        }
    }

    /** Gives ownership up. Harmless twice. */
    @Override
    public synchronized void close() throws IOException {
        if (!HELD_HERE.remove(file, this)) return;
        try {
            if (lock.isValid()) lock.release();
        } finally {
            channel.close();
        }
    }
}
