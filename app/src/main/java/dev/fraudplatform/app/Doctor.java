package dev.fraudplatform.app;

import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.redis.RedisJoinPlane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code fp doctor}: checks each component a profile names, one line each, without changing anything (no topic, bucket
 * or schema is created): Kafka reachable and authenticated, the platform's topics present with the profile's
 * partitions and unlimited retention, PostgreSQL reachable with its schema migrated, the object store writable (a
 * probe object is written and removed), Redis answering. A component the profile runs inside each {@code fp} process
 * (the embedded broker and PostgreSQL, the filesystem store under FP_HOME, the loop's own state stores) has nothing to
 * reach and says so.
 */
public final class Doctor {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One component's answer: {@code ok} or not, and one line saying why. */
    public record Finding(String component, boolean ok, String line) {
        public String format() {
            return String.format("%-5s %-9s %s", ok ? "ok" : "FAIL", component, line);
        }
    }

    private Doctor() {}

    /** Every finding for {@code config}, in the order of the ladder: bus, topics, database, object store, join plane. */
    public static List<Finding> examine(PlatformConfig config) {
        List<Finding> out = new ArrayList<>();
        if (config.kafkaBootstrap() == null) {
            out.add(new Finding("kafka", true, "embedded: a KRaft broker starts inside each fp process"));
        } else {
            out.addAll(KafkaDoctor.examine(config, TIMEOUT));
        }
        if (config.pgUrl() == null) {
            out.add(new Finding("postgres", true, "embedded: PostgreSQL starts inside each fp process under FP_HOME"));
        } else {
            out.add(probe(
                    "postgres",
                    () -> PlatformConfig.redact(PostgresDatabase.withoutCredentialsOf(config.pgUrl())) + ": reachable, "
                            + PostgresDatabase.describeSchema(config.pgUrl())));
        }
        out.add(probe("store", () -> {
            ObjectStore store = config.objectStore();
            return Wiring.checkWritable(store);
        }));
        if (config.redisUrl() == null) {
            out.add(new Finding("redis", true, "not used: the join plane is the decision loop's own state stores"));
        } else {
            out.add(probe("redis", () -> RedisJoinPlane.ping(config.redisUrl(), TIMEOUT)));
        }
        return out;
    }

    /** {@code check}'s line when it answers, else its failure's one line. */
    static Finding probe(String component, Supplier<String> check) {
        try {
            return new Finding(component, true, check.get());
        } catch (RuntimeException e) {
            return new Finding(component, false, Fp.oneLine(e.getMessage()));
        }
    }
}
