package dev.fraudplatform.substrate.postgres;

import dev.fraudplatform.core.net.LoopbackPorts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server started from the zonky binaries (Linux only) with its data under the caller's work
 * directory; data survive restarts. PostgreSQL refuses to run as root; when this JVM is root, zonky runs
 * {@code initdb} and {@code pg_ctl} inside {@code unshare -U} (a user namespace where the process is an
 * unprivileged, unmapped user that still owns the files). Binaries are unpacked under the caller's directory,
 * not /tmp.
 *
 * <p>Lifecycle: the caller must {@link #close()} it; zonky also registers a shutdown hook.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts (initialising on first use) a server with data in {@code dataDir}, unpacking binaries under
     * {@code binariesDir}.
     */
    public static EmbeddedPostgresServer start(Path dataDir, Path binariesDir) {
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(binariesDir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(binariesDir.toFile())
                    .setDataDirectory(dataDir)
                    .setPort(LoopbackPorts.reserve()) // not zonky's own pick: the broker may start beside it
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
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling("postgres.log").toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling("postgres.log").toFile()))
                    .start();
            LOG.info("embedded PostgreSQL on port {} (data {}) started in {} ms", pg.getPort(), dataDir,
                    (System.nanoTime() - t0) / 1_000_000);
            return new EmbeddedPostgresServer(pg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDir, e);
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }

}
