package dev.fraudplatform.learning.archive;

import dev.fraudplatform.core.bus.BusConsumers;
import dev.fraudplatform.substrate.kafka.KafkaBusConsumers;
import dev.fraudplatform.substrate.kafka.KafkaSettings;
import dev.fraudplatform.substrate.objectstore.FilesystemObjectStore;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The archive role alone in a process of its own, for the kill test: {@code <bootstrap> <store dir> <group>
 * <max records> <max age ms> <halt after n segments, 0: never>}. Halting is {@link Runtime#halt}, as abrupt as a
 * SIGKILL (no shutdown hook, no commit), right after a segment is in the store and before its offsets commit.
 */
public final class ArchiveProcess {
    private ArchiveProcess() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        Path storeDir = Path.of(args[1]);
        String group = args[2];
        int maxRecords = Integer.parseInt(args[3]);
        long maxAgeMillis = Long.parseLong(args[4]);
        int haltAfter = Integer.parseInt(args[5]);
        int[] written = {0};
        Archive archive = new Archive(
                new FilesystemObjectStore(storeDir),
                new dev.fraudplatform.core.bus.SegmentRoll.Policy(
                        maxRecords, 1L << 30, Duration.ofMillis(maxAgeMillis)),
                System::currentTimeMillis,
                key -> {
                    System.out.println("segment " + key);
                    if (haltAfter > 0 && ++written[0] == haltAfter) {
                        System.out.println("halting after " + key);
                        System.out.flush();
                        Runtime.getRuntime().halt(137);
                    }
                });
        // A short session: the next process takes the partitions of a killed one seconds after, not 45 s
        KafkaSettings kafka = KafkaSettings.of(bootstrap)
                .withExtras(java.util.Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000"));
        BusConsumers.Role role = new KafkaBusConsumers(kafka)
                .transactional(Archive.NAME, group, Archive.TOPICS, archive.transactionTimeout(), archive);
        if (!role.awaitAssignment(Duration.ofSeconds(60))) throw new IllegalStateException("no assignment");
        System.out.println("archive assigned");
        System.out.flush();
        while (role.failure() == null) Thread.sleep(200);
        System.out.println("archive failed: " + role.failure());
        System.exit(1);
    }
}
