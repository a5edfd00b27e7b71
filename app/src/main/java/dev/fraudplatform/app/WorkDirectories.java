package dev.fraudplatform.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work directories of platform processes under {@code $FP_HOME/work}: one {@code proc-*} directory each (the
 * embedded broker's log, Kafka Streams state), owned through an exclusive lock on its {@code owner.lock} for as long as
 * the process lives. The operating system drops the lock when the process dies, however it dies, so a directory
 * whose lock is free belongs to no one: {@link #claim} removes those before it makes its own.
 */
final class WorkDirectories {
    private static final Logger LOG = LoggerFactory.getLogger(WorkDirectories.class);
    private static final String LOCK = "owner.lock";

    private WorkDirectories() {}

    /** A work directory this process owns; closing it releases the lock and removes the directory. */
    record Owned(Path path, FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                if (!"1".equals(System.getenv("FP_KEEP_WORK"))) deleteTree(path);
            } finally {
                channel.close();
            }
        }
    }

    /** Removes the work directories of processes that are gone, then makes and locks one for this process. */
    static Owned claim(Path workRoot) throws IOException {
        Files.createDirectories(workRoot);
        reclaimLeftBehind(workRoot);
        Path dir = Files.createTempDirectory(workRoot, "proc-");
        FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IOException("cannot lock the new work directory " + dir);
        }
        return new Owned(dir, channel, lock);
    }

    private static void reclaimLeftBehind(Path workRoot) throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(workRoot, "proc-*")) {
            for (Path dir : dirs) {
                if (!Files.isDirectory(dir) || ownedByALiveProcess(dir)) continue;
                try {
                    deleteTree(dir);
                    LOG.info("removed work directory {} of a process that stopped", dir.getFileName());
                } catch (IOException e) {
                    LOG.warn("could not remove work directory {} of a process that stopped: {}", dir, e.getMessage());
                }
            }
        }
    }

    /**
     * Whether a live process holds the directory's lock. A directory without a lock file is taken as live only while
     * it is new (another process may be between making it and locking it).
     */
    private static boolean ownedByALiveProcess(Path dir) throws IOException {
        Path lockFile = dir.resolve(LOCK);
        if (!Files.exists(lockFile)) {
            return Files.getLastModifiedTime(dir).toMillis() > System.currentTimeMillis() - 60_000;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) return true;
            probe.release();
            return false;
        } catch (OverlappingFileLockException heldInThisJvm) {
            return true;
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
