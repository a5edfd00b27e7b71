package dev.fraudplatform.substrate.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Topic administration for the platform: creates missing topics with the configured partition count and no
 * time-based retention, then waits until every partition answers a {@code listOffsets}, because producing
 * idempotently right after {@code createTopics} can lose records (KAFKA-15591).
 */
public final class KafkaTopics {
    private KafkaTopics() {}

    /** An admin client named {@code name} ({@link KafkaSettings#clientId}); the caller closes it. */
    public static Admin admin(KafkaSettings kafka, String name) {
        return Admin.create(kafka.admin(
                name,
                Map.of(
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000",
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000")));
    }

    /** Creates each of {@code topics} that is missing, with {@code partitions} partitions; waits until all answer. */
    public static void ensure(Admin admin, Collection<String> topics, int partitions) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String t : topics) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, partitions, (short) 1)
                            .configs(Map.of(
                                    "retention.ms", "-1",
                                    "retention.bytes", "-1",
                                    // Record timestamps are event times: a world may lie in the future (labels are
                                    // observed up
                                    // to 120 days after its traffic), which the broker's default (1 hour ahead) would
                                    // refuse.
                                    "message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE),
                                    "min.insync.replicas", "1")));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) throw e;
                }
            }
            awaitReadable(admin, topics, Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + topics + ": " + e.getMessage(), e);
        }
    }

    /** Latest end offset of every partition of {@code topic}. */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        for (TopicPartition tp : partitions(admin, topic)) req.put(tp, OffsetSpec.latest());
        Map<TopicPartition, Long> out = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
                admin.listOffsets(req).all().get(30, TimeUnit.SECONDS).entrySet()) {
            out.put(e.getKey(), e.getValue().offset());
        }
        return out;
    }

    public static List<TopicPartition> partitions(Admin admin, String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic);
        List<TopicPartition> out = new ArrayList<>();
        d.partitions().forEach(p -> out.add(new TopicPartition(topic, p.partition())));
        return out;
    }

    private static void awaitReadable(Admin admin, Collection<String> topics, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String topic : topics) {
            while (true) {
                try {
                    endOffsets(admin, topic);
                    break;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) throw e;
                    Thread.sleep(100);
                }
            }
        }
    }
}
