package dev.fraudplatform.app;

import dev.fraudplatform.substrate.kafka.EmbeddedKafkaBroker;
import dev.fraudplatform.substrate.kafka.KafkaBusAdmin;
import dev.fraudplatform.substrate.kafka.KafkaTopics;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code fp infra up|down}: the servers of a profile on external servers ({@code local}), as processes of this
 * machine. {@link #up} starts each server the profile places on this machine that does not answer yet (the Kafka
 * broker as an {@code fp infra broker} process, the S3 API server, Redis), then provisions what the platform needs on
 * them (the database, its schema, the bucket, the topics); it never starts a server the profile places elsewhere.
 * PostgreSQL is the machine's (or any reachable) server: it is checked and its database created, not started.
 * {@link #down} stops only what {@code up} started.
 */
public final class Infra {
    static final String KAFKA = "kafka";
    static final String S3 = "s3";
    static final String REDIS = "redis";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final PlatformConfig config;
    private final LocalServers servers;

    public Infra(PlatformConfig config) {
        if (config.kafkaBootstrap() == null || config.pgUrl() == null)
            throw new IllegalArgumentException("profile " + config.profile() + " runs its servers inside each fp "
                    + "process: there is nothing to start (try --profile local)");
        this.config = config;
        this.servers = new LocalServers(config.home());
    }

    /** Starts and provisions; one line per step. Throws (one line) only when a server it starts fails to come up. */
    public List<String> up() {
        List<String> out = new ArrayList<>();
        LocalServers.HostPort kafka = LocalServers.firstOf(config.kafkaBootstrap());
        if (startIfMissing(KAFKA, kafka, out)) {
            long pid = servers.start(
                    KAFKA,
                    LocalServers.thisJava(
                            Fp.class.getName(),
                            List.of(
                                    "-Xms256m",
                                    "-Xmx1g",
                                    "-XX:+UseParallelGC",
                                    "-Dfp.log.file=" + servers.dir(KAFKA).resolve("fp.log")),
                            List.of(
                                    "infra",
                                    "broker",
                                    "--port",
                                    Integer.toString(kafka.port()),
                                    "--data",
                                    servers.dir(KAFKA).resolve("data").toString())),
                    kafka,
                    START_TIMEOUT);
            out.add("started  kafka     broker at " + kafka + " (pid " + pid + ", data " + servers.dir(KAFKA) + ")");
        }
        if (config.s3() != null && config.s3().endpoint() != null) {
            LocalServers.HostPort s3 = LocalServers.ofUrl(config.s3().endpoint(), 80);
            if (startIfMissing(S3, s3, out)) {
                long pid = S3Stores.startServer(config, servers, S3, s3, START_TIMEOUT);
                out.add("started  s3        S3 API server at " + s3 + " (pid " + pid + ", data " + servers.dir(S3)
                        + ")");
            }
        }
        if (config.redisUrl() != null) {
            LocalServers.HostPort redis = LocalServers.ofUrl(config.redisUrl(), 6379);
            if (startIfMissing(REDIS, redis, out)) {
                long pid = servers.start(
                        REDIS,
                        List.of(
                                "redis-server",
                                "--bind",
                                redis.host(),
                                "--port",
                                Integer.toString(redis.port()),
                                "--save",
                                "",
                                "--appendonly",
                                "no",
                                "--dir",
                                servers.dir(REDIS).toString()),
                        redis,
                        START_TIMEOUT);
                out.add("started  redis     at " + redis + " (pid " + pid + ")");
            }
        }
        out.add(Doctor.probe("postgres", this::provisionDatabase).format());
        out.add(Doctor.probe("topics", this::provisionTopics).format());
        if (config.s3() != null)
            out.add(Doctor.probe("bucket", () -> S3Stores.ensureBucket(config)).format());
        return out;
    }

    /** Should {@code name} be started here: not answering at {@code at}, and {@code at} on this machine? */
    private boolean startIfMissing(String name, LocalServers.HostPort at, List<String> out) {
        if (LocalServers.answers(at.host(), at.port())) {
            out.add(String.format(
                    "running  %-9s at %s%s",
                    name, at, servers.running(name).isPresent() ? " (started by fp infra up)" : " (not started here)"));
            return false;
        }
        if (!LocalServers.isLoopback(at.host())) {
            out.add(String.format("FAIL     %-9s at %s does not answer, and is not on this machine", name, at));
            return false;
        }
        return true;
    }

    /** Creates the profile's database when the server lacks it, and applies the schema's migrations. */
    private String provisionDatabase() {
        String url = config.pgUrl();
        String database = databaseOf(url);
        String maintenance = url.replaceFirst("/" + java.util.regex.Pattern.quote(database) + "(\\?|$)", "/postgres$1");
        try (Connection c = DriverManager.getConnection(maintenance);
                PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            q.setString(1, database);
            boolean exists;
            try (ResultSet rs = q.executeQuery()) {
                exists = rs.next();
            }
            if (!exists) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE \"" + database.replace("\"", "") + "\"");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + PostgresDatabase.withoutCredentialsOf(maintenance)
                    + " does not answer (fp infra up starts no PostgreSQL: start the machine's, e.g. pg_ctlcluster): "
                    + e.getMessage());
        }
        try (PostgresDatabase db = PostgresDatabase.open(url, 1)) {
            return "database " + database + " ready, " + PostgresDatabase.describeSchema(url);
        }
    }

    /** The database name of a JDBC URL ({@code jdbc:postgresql://host:port/NAME?...}). */
    static String databaseOf(String jdbcUrl) {
        String rest = jdbcUrl.replaceFirst("^jdbc:postgresql://[^/]*/", "");
        int q = rest.indexOf('?');
        String name = q < 0 ? rest : rest.substring(0, q);
        if (name.isEmpty() || !name.matches("[A-Za-z0-9_]+"))
            throw new IllegalArgumentException("FP_PG_URL names no database (jdbc:postgresql://host:port/NAME), or "
                    + "one of other characters than letters, digits and _");
        return name;
    }

    private String provisionTopics() {
        try (KafkaBusAdmin admin = new KafkaBusAdmin(KafkaTopics.admin(Substrate.kafkaSettings(config), "infra"))) {
            Substrate.ensureTopics(admin, config.partitions());
        }
        return Substrate.expectedTopics(config.partitions()).size() + " platform topics present (" + config.partitions()
                + " partitions)";
    }

    /**
     * The broker process of {@code fp infra up} ({@code fp infra broker}): a single-node KRaft broker on
     * {@code 127.0.0.1:port} with its log in {@code data}, until this process is stopped.
     */
    public static void runBroker(java.nio.file.Path data, int port) throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, port);
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            broker.close();
                            stopped.countDown();
                        },
                        "fp-broker-stop"));
        System.out.println("broker at " + broker.bootstrapServers() + ", data " + data);
        stopped.await();
    }

    /** Stops what {@link #up} started; one line per server. */
    public List<String> down() {
        List<String> out = new ArrayList<>();
        for (String name : List.of(REDIS, S3, KAFKA)) {
            out.add(
                    servers.stop(name, Duration.ofSeconds(30))
                            ? "stopped  " + name
                            : "-        " + name + ": not started by fp infra up (nothing to stop)");
        }
        return out;
    }
}
