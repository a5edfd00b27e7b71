package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.io.FileTrees;
import dev.fraudplatform.core.net.LoopbackPorts;
import dev.fraudplatform.core.process.OwnerLock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server started from the zonky binaries (Linux only) with its data under the caller's work
 * directory; data survive restarts. PostgreSQL refuses to run as root; when this JVM is root, zonky runs
 * {@code initdb} and {@code pg_ctl} inside {@code unshare -U} (a user namespace where the process is an
 * unprivileged, unmapped user that still owns the files). Binaries are unpacked under the caller's directory,
 * not /tmp.
 *
 * <p>Ownership: one process at a time owns a data directory. It holds an exclusive lock on the owner file beside it
 * ({@code <data>.owner}) for as long as its server runs; the operating system drops the lock when the process dies,
 * however it dies. So a server found running on a data directory whose owner lock is free was left behind by a
 * process that was killed: {@link #start} stops it (fast shutdown) before starting its own, and another process can
 * {@link #attach} to a server whose owner is alive. A watchdog process started beside the server stops it within a
 * second or two of its owner's death, so a killed platform does not leave PostgreSQL running until the next start.
 *
 * <p>Lifecycle: the caller must {@link #close()} it, after whatever writes to it. Zonky's own shutdown hook is off: a
 * JVM runs its shutdown hooks at once and in no order, so on a SIGTERM zonky's stopped PostgreSQL while the platform's
 * hook was still closing the roles that write to it (the Action Layer and the gate then waited out the pool's 30 s
 * timeouts, retrying, and printed their failures). A JVM that exits without closing it leaves it to the watchdog.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);
    /**
     * System property: a directory holding (or to hold) a template of a new data directory ({@link #start}). The
     * {@code fp} command sets it to one beside its build, which its first run after a build makes.
     */
    public static final String TEMPLATE_PROPERTY = "fp.pg.template";
    /**
     * System property: where the PostgreSQL binaries are unpacked, shared by every home that uses it ({@link
     * #binaries}); {@code fp} sets it beside its build. Unpacking them (15 MB of xz) took about 2.5 s of a fresh home's
     * first start on 2 cores.
     */
    public static final String BINARIES_PROPERTY = "fp.pg.binaries";

    /** Written last into a template, naming the binaries that made it: the template is whole, and whose it is. */
    private static final String TEMPLATE_COMPLETE = "fp-template-complete";
    /**
     * The PostgreSQL binaries on the class path, by the location of their archive (its jar names their version): a
     * template made by other binaries (another major version's cluster would not start) is made again.
     */
    static final String BINARIES_IDENTITY = binariesIdentity();
    /** Servers this JVM owns, by data directory. */
    private static final java.util.concurrent.ConcurrentHashMap<Path, EmbeddedPostgresServer> OWNED =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final EmbeddedPostgres postgres;
    private final OwnerLock owner;
    private final Process watchdog;
    private final Path dataDir;

    private EmbeddedPostgresServer(Path dataDir, EmbeddedPostgres postgres, OwnerLock owner, Process watchdog) {
        this.dataDir = dataDir;
        this.postgres = postgres;
        this.owner = owner;
        this.watchdog = watchdog;
    }

    /** The data directory is owned by another live process; {@link #attach} reaches its server. */
    public static final class InUseException extends IllegalArgumentException {
        public InUseException(String message) {
            super(message);
        }
    }

    /**
     * Starts (initialising on first use, as a copy of the {@link #TEMPLATE_PROPERTY} template when one is configured)
     * a server with data in {@code dataDir}, unpacking binaries under {@code binariesDir}. A server left running on
     * {@code dataDir} by a killed process is stopped first.
     *
     * @throws InUseException when a live process owns {@code dataDir}
     */
    public static synchronized EmbeddedPostgresServer start(Path dataDirectory, Path binariesDir) {
        long t0 = System.nanoTime();
        Path dataDir = dataDirectory.toAbsolutePath().normalize();
        if (OWNED.containsKey(dataDir)) {
            throw new InUseException(
                    "the embedded PostgreSQL of " + dataDir.getParent() + " is already running in this process");
        }
        OwnerLock lock = null;
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(binariesDir);
            lock = OwnerLock.tryAcquire(ownerFile(dataDir)).orElse(null);
            if (lock == null) {
                throw new InUseException(
                        "the embedded PostgreSQL of " + dataDir.getParent() + " is in use by another fp process"
                                + OwnerLock.ownerPid(ownerFile(dataDir))
                                        .map(p -> " (pid " + p + ")")
                                        .orElse("")
                                + "; stop it first, or give this one another FP_HOME");
            }
            stopLeftBehind(dataDir);
            Path template = seedFromTemplate(dataDir, binariesDir);
            EmbeddedPostgres pg;
            try {
                pg = builder(dataDir, binariesDir, dataDir.resolveSibling("postgres.log"))
                        .start();
            } catch (IOException | RuntimeException e) {
                if (template == null) throw e;
                // A template of other binaries (another major version) or damaged: initialise as without one.
                LOG.warn(
                        "PostgreSQL would not start on a data directory copied from template {} ({}); the template is "
                                + "removed and the data directory initialised afresh",
                        template,
                        e.getMessage());
                FileTrees.deleteTree(template);
                FileTrees.deleteTree(dataDir);
                Files.createDirectories(dataDir);
                pg = builder(dataDir, binariesDir, dataDir.resolveSibling("postgres.log"))
                        .start();
            }
            Process watchdog = startWatchdog(dataDir);
            LOG.info(
                    "embedded PostgreSQL on port {} (data {}) started in {} ms",
                    pg.getPort(),
                    dataDir,
                    (System.nanoTime() - t0) / 1_000_000);
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(dataDir, pg, lock, watchdog);
            OWNED.put(dataDir, server);
            return server;
        } catch (IOException e) {
            release(lock);
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(lock);
            throw e;
        }
    }

    /**
     * Where to unpack the binaries: the directory {@link #BINARIES_PROPERTY} names, else {@code homeDefault} (a
     * directory of the caller's home). Unpacking is safe to share: zonky takes a file lock and unpacks once into a
     * directory named by the archive's digest.
     */
    public static Path binaries(Path homeDefault) {
        String shared = System.getProperty(BINARIES_PROPERTY);
        return shared == null || shared.isBlank()
                ? homeDefault
                : Path.of(shared).toAbsolutePath().normalize();
    }

    /** The server zonky starts on {@code dataDir}: initialised first (initdb) when it holds no cluster yet. */
    private static EmbeddedPostgres.Builder builder(Path dataDir, Path binariesDir, Path log) {
        return EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(binariesDir.toFile())
                .setDataDirectory(dataDir)
                .setPort(LoopbackPorts.reserve()) // not zonky's own pick: the broker may start beside it
                .setRegisterShutdownHook(false) // closed by its owner, last (see the class's lifecycle)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("fsync", "on")
                // A receipt the gate has answered must survive a crash of PostgreSQL or the machine, not only of
                // the JVM: commits wait for the WAL flush (group commit keeps the cost small: measured no slower).
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "100")
                .setServerConfig("shared_buffers", "128MB")
                .setServerConfig("max_wal_size", "2GB")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    /**
     * A new data directory is a copy of the template named by {@link #TEMPLATE_PROPERTY}, when it is set: a cluster
     * initialised once, migrated to the platform's schema ({@link PostgresDatabase}: schemas, append-only triggers,
     * the platform's role; no rows of any run) and stopped cleanly (a cold copy of a stopped cluster is a valid
     * cluster). {@code initdb} and the migrations took 2-4 s of a fresh home's first start on 2 cores; the copy takes a
     * fraction of a second, and opening the database then applies only migrations newer than the template. The
     * template is made on first use (initdb, one start, the migrations and a clean stop in a directory beside it, then
     * renamed into place, so a template is whole or absent and two processes making one at once keep one). Returns the template copied, or null when
     * the directory was not new (it holds anything), no template is configured, or none could be made.
     */
    private static Path seedFromTemplate(Path dataDir, Path binariesDir) throws IOException {
        String configured = System.getProperty(TEMPLATE_PROPERTY);
        if (configured == null || configured.isBlank()) return null;
        try (var entries = Files.list(dataDir)) {
            if (entries.findAny().isPresent()) return null;
        }
        Path template = Path.of(configured).toAbsolutePath().normalize();
        try {
            Path marker = template.resolve(TEMPLATE_COMPLETE);
            if (Files.exists(marker) && !Files.readString(marker).equals(BINARIES_IDENTITY)) {
                LOG.info("PostgreSQL template {} was made by other binaries: making it again", template);
                FileTrees.deleteTree(template);
            }
            if (!Files.exists(marker)) makeTemplate(template, binariesDir);
            if (!Files.exists(marker) || !Files.readString(marker).equals(BINARIES_IDENTITY)) return null;
            copyTree(template, dataDir);
            return template;
        } catch (IOException | RuntimeException e) {
            LOG.warn("no PostgreSQL template at {} ({}); initialising the data directory", template, e.toString());
            FileTrees.deleteTree(dataDir);
            Files.createDirectories(dataDir);
            return null;
        }
    }

    private static void makeTemplate(Path template, Path binariesDir) throws IOException {
        long t0 = System.nanoTime();
        Path parent = template.getParent();
        Files.createDirectories(parent);
        Path making = Files.createTempDirectory(parent, template.getFileName() + ".making-");
        try {
            try (EmbeddedPostgres pg = builder(making, binariesDir, parent.resolve(template.getFileName() + ".log"))
                    .start()) {
                // Migrated to this build's schema: a new home's database opens with nothing to apply.
                PostgresDatabase.migrate(pg.getJdbcUrl("postgres", "postgres"));
            }
            Files.writeString(making.resolve(TEMPLATE_COMPLETE), BINARIES_IDENTITY);
            try {
                Files.move(making, template, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                LOG.info("PostgreSQL template made at {} in {} ms", template, (System.nanoTime() - t0) / 1_000_000);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                // another process made it meanwhile: theirs is as good
            }
        } finally {
            FileTrees.deleteTree(making);
        }
    }

    private static String binariesIdentity() {
        for (String archive : List.of("postgres-linux-x86_64.txz", "postgres-linux-arm_64.txz")) {
            java.net.URL url = EmbeddedPostgres.class.getClassLoader().getResource(archive);
            if (url != null) return url.toString();
        }
        return "unknown binaries";
    }

    /** Copies a stopped cluster, its permissions included (PostgreSQL wants its directories private). */
    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path rel = from.relativize(source);
                if (rel.toString().equals(TEMPLATE_COMPLETE)) continue;
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    if (!Files.exists(target)) Files.createDirectory(target);
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(source));
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /**
     * The JDBC URL of the server a live process runs on {@code dataDir}, or empty when no live process owns it (a
     * server left behind by a killed one is not offered: {@link #start} reclaims it) or its server does not answer
     * yet (the caller may wait for it).
     */
    public static synchronized Optional<String> attach(Path dataDirectory) {
        Path dataDir = dataDirectory.toAbsolutePath().normalize();
        EmbeddedPostgresServer ours = OWNED.get(dataDir);
        if (ours != null) return Optional.of(ours.jdbcUrl());
        try {
            if (!OwnerLock.isHeld(ownerFile(dataDir))) return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
        // The owner may be between reclaiming an old server and starting its own: offer only a server that answers.
        return postmaster(dataDir)
                .filter(pm -> isServerOf(pm.pid(), dataDir) && answers(pm.port()))
                .map(pm -> "jdbc:postgresql://localhost:" + pm.port() + "/postgres?user=postgres");
    }

    private static boolean answers(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path ownerFile(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + ".owner");
    }

    /** What {@code postmaster.pid} says: the server's pid and port (PostgreSQL writes it at start, removes it at stop). */
    record Postmaster(long pid, int port) {}

    static Optional<Postmaster> postmaster(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.size() < 4) return Optional.empty();
            return Optional.of(new Postmaster(
                    Long.parseLong(lines.get(0).trim()),
                    Integer.parseInt(lines.get(3).trim())));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * True when {@code pid} is a live PostgreSQL server of {@code dataDir}: the postmaster works in its data directory,
     * so a recycled pid (another program, or a server of another directory) is never taken for it.
     */
    private static boolean isServerOf(long pid, Path dataDir) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return false;
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"))
                    .equals(dataDir.toRealPath());
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Stops a server that a killed owner left running on {@code dataDir} (the caller holds the owner lock, so no live
     * process uses it): a fast shutdown, then an immediate one, then SIGKILL, each given time to finish.
     */
    private static void stopLeftBehind(Path dataDir) throws IOException {
        Optional<Postmaster> pm = postmaster(dataDir);
        if (pm.isEmpty() || !isServerOf(pm.get().pid(), dataDir)) return;
        long pid = pm.get().pid();
        LOG.warn(
                "a PostgreSQL server (pid {}) left running on {} by a process that stopped: shutting it down",
                pid,
                dataDir);
        for (String signal : List.of("INT", "QUIT", "KILL")) {
            signal(pid, signal);
            long deadline = System.nanoTime() + STOP_WAIT.toNanos();
            while (isServerOf(pid, dataDir) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while stopping a PostgreSQL server left behind", e);
                }
            }
            if (!isServerOf(pid, dataDir)) {
                LOG.info("PostgreSQL server {} left behind is stopped (SIG{})", pid, signal);
                return;
            }
        }
        throw new IllegalStateException(
                "a PostgreSQL server (pid " + pid + ") left running on " + dataDir + " would not stop");
    }

    private static void signal(long pid, String signal) throws IOException {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A small process in its own session that waits for this JVM to end and then asks the server for a fast
     * shutdown, so that SIGKILL of the owner (or of its whole process group) does not leave the server running. After
     * a clean close it is stopped first and does nothing.
     */
    private static Process startWatchdog(Path dataDir) {
        Optional<Postmaster> pm = postmaster(dataDir);
        if (pm.isEmpty()) return null;
        // $1 the owner's pid, $2 the server's, $3 its data directory: the server is signalled only while it is still
        // the postmaster of that directory (it works in it), never a process that took its pid since.
        String script = "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done; "
                + "if [ \"$(readlink /proc/$2/cwd)\" = \"$3\" ]; then kill -INT \"$2\"; fi";
        List<String> cmd = new java.util.ArrayList<>(
                Files.isExecutable(Path.of("/usr/bin/setsid")) ? List.of("/usr/bin/setsid") : List.of());
        try {
            cmd.addAll(List.of(
                    "sh",
                    "-c",
                    script,
                    "fp-pg-watchdog",
                    Long.toString(ProcessHandle.current().pid()),
                    Long.toString(pm.get().pid()),
                    dataDir.toRealPath().toString()));
            return new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            LOG.warn(
                    "no watchdog for the embedded PostgreSQL ({}): a server left by a killed process is stopped at the next start",
                    e.getMessage());
            return null;
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.descendants().forEach(ProcessHandle::destroy);
            watchdog.destroy();
        }
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
        release(owner);
        OWNED.remove(dataDir, this);
    }

    private static void release(OwnerLock lock) {
        if (lock == null) return;
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("releasing the embedded PostgreSQL owner lock: {}", e.getMessage());
        }
    }
}
