package dev.fraudplatform.app;

import dev.fraudplatform.core.process.OwnerLock;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work directories of platform processes under {@code $FP_HOME/work}: one {@code proc-*} directory each (the
 * embedded broker's log, Kafka Streams state), owned through the {@link OwnerLock} on its {@code owner.lock} for as long
 * as the process lives. A directory whose lock is free belongs to no one: {@link #claim} removes those before it makes
 * its own. A directory is locked before it gets its {@code proc-} name, so no one ever sees one unlocked.
 */
final class WorkDirectories {
    private static final Logger LOG = LoggerFactory.getLogger(WorkDirectories.class);
    private static final String LOCK = "owner.lock";
    /** A directory still being made is named so; one left by a process killed in that instant is removed later. */
    private static final String NEW = "new-";

    private WorkDirectories() {}

    /** A work directory this process owns; closing it releases the lock and removes the directory. */
    record Owned(Path path, OwnerLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                if (!"1".equals(System.getenv("FP_KEEP_WORK"))) deleteTree(path);
            } finally {
                lock.close();
            }
        }
    }

    /** Removes the work directories of processes that are gone, then makes and locks one for this process. */
    static Owned claim(Path workRoot) throws IOException {
        Files.createDirectories(workRoot);
        reclaimLeftBehind(workRoot);
        Path making = Files.createTempDirectory(workRoot, NEW + "proc-");
        OwnerLock lock = OwnerLock.tryAcquire(making.resolve(LOCK))
                .orElseThrow(() -> new IOException("cannot lock the new work directory " + making));
        try {
            Path dir = workRoot.resolve(making.getFileName().toString().substring(NEW.length()));
            Files.move(making, dir, StandardCopyOption.ATOMIC_MOVE);
            return new Owned(dir, lock.movedTo(dir.resolve(LOCK)));
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static void reclaimLeftBehind(Path workRoot) throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(workRoot)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                boolean making = name.startsWith(NEW);
                if (!Files.isDirectory(dir) || !(name.startsWith("proc-") || making)) continue;
                try {
                    boolean locked = !making && Files.exists(dir.resolve(LOCK));
                    if (locked
                            ? OwnerLock.isHeld(dir.resolve(LOCK))
                            // being made (or made by a version before locks): another process's for a moment; older,
                            // a kill's
                            : Files.getLastModifiedTime(dir).toMillis() > System.currentTimeMillis() - 60_000) {
                        continue;
                    }
                } catch (NoSuchFileException gone) {
                    // Another process starting at the same moment renamed its new directory, or removed a dead one,
                    // between the listing and this look: it is not ours to reclaim.
                    continue;
                }
                try {
                    deleteTree(dir);
                    LOG.info("removed work directory {} of a process that stopped", name);
                } catch (IOException e) {
                    LOG.warn("could not remove work directory {} of a process that stopped: {}", dir, e.getMessage());
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        dev.fraudplatform.core.io.FileTrees.deleteTree(root);
    }
}
