package dev.fraudplatform.rtdl.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.AuditRecord;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.ingress.BusCoordinates;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.store.ObjectAlreadyExistsException;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.rtdl.roles.ConsumerRole;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Decision Log and Audit: one append-only audit record per decision, on {@code fp.audit} and in the object
 * store as JSON-lines segments {@code audit/<run>/decisions/p<partition>-o<first offset>-n<records>.jsonl}.
 *
 * <p>Exactly once on the bus: audit records and the consumed offsets commit in one Kafka transaction. Idempotent
 * in the store: segments are create-if-absent and named by their first decision offset, so a batch redelivered
 * after a crash finds its segment already written and writes only the records past that segment's last offset.
 */
public final class DecisionLogAudit extends ConsumerRole {
    public static final String GROUP = "fp-dla";
    private final ObjectStore store;
    private final KafkaProducer<String, byte[]> producer;

    public DecisionLogAudit(String bootstrap, ObjectStore store) {
        super(bootstrap, GROUP, List.of(Topics.DECISIONS), "fp-decision-log-audit");
        this.store = store;
        Properties p = dev.fraudplatform.substrate.kafka.KafkaEventPublisher.producerConfig(bootstrap, "fp-dla");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fp-dla-tx");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    public static String segmentPrefix(String runId) {
        return "audit/" + runId + "/decisions/";
    }

    @Override
    protected void onStart() {
        producer.initTransactions();
    }

    @Override
    protected void onStop() {
        producer.close();
    }

    @Override
    protected void handle(ConsumerRecords<String, byte[]> records) throws Exception {
        long now = System.currentTimeMillis();
        producer.beginTransaction();
        try {
            // (run, partition) -> records in offset order
            Map<String, List<AuditRecord>> segments = new LinkedHashMap<>();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                JsonNode d = Json.MAPPER.readTree(r.value());
                Decision decision = Decision.fromJson(d);
                AuditRecord a = new AuditRecord(decision, new BusCoordinates(r.topic(), r.partition(), r.offset()),
                        admittedAt(r), now);
                byte[] line = CanonicalJson.bytes(a.toJson());
                producer.send(new ProducerRecord<>(Topics.AUDIT, null, r.timestamp(), r.key(), line));
                segments.computeIfAbsent(decision.platformRunId() + "\u0000" + r.partition(), k -> new ArrayList<>()).add(a);
                offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            }
            for (List<AuditRecord> segment : segments.values()) writeSegment(segment);
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
        } catch (Exception e) {
            producer.abortTransaction();
            throw e;
        }
    }

    private void writeSegment(List<AuditRecord> records) {
        AuditRecord first = records.get(0);
        String runId = first.decision().platformRunId();
        int partition = first.decisionCoordinates().partition();
        List<AuditRecord> pending = records;
        while (!pending.isEmpty()) {
            String start = segmentPrefix(runId) + String.format("p%03d-o%020d-", partition, pending.get(0).decisionCoordinates().offset());
            List<String> existing = store.list(start);
            if (!existing.isEmpty()) {
                // Redelivered after a crash between writing the segment and committing the transaction.
                long lastWritten = AuditLog.lastOffset(store, existing.get(0));
                List<AuditRecord> rest = new ArrayList<>();
                for (AuditRecord a : pending) if (a.decisionCoordinates().offset() > lastWritten) rest.add(a);
                pending = rest;
                continue;
            }
            try {
                store.create(start + String.format("n%06d.jsonl", pending.size()), lines(pending));
                return;
            } catch (ObjectAlreadyExistsException raced) {
                // another instance wrote it first: loop and skip what it covered
            }
        }
    }

    private static byte[] lines(List<AuditRecord> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(records.size() * 700);
        for (AuditRecord a : records) {
            out.writeBytes(CanonicalJson.string(a.toJson()).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return out.toByteArray();
    }
}
