package dev.fraudplatform.substrate.kafka;

import dev.fraudplatform.core.bus.AtomicPublisher;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.ingress.BusCoordinates;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@link AtomicPublisher} on Kafka: each group is one transaction holding the records, each with its outbox sequence
 * in header {@link Topics#HEADER_OUTBOX_SEQ}, and a marker record on {@link Topics#INGRESS_RELAY} that names the
 * records' outbox sequences and, for each partition they may go to, an offset below which none of them can land, so
 * that recovery finds each record's coordinates by reading from there ({@link #markersAfter}). The marker is sent with
 * the records, not after their acknowledgements: a group costs the transaction's round trips and no more. Starting an
 * instance calls {@code initTransactions}, which fences an earlier instance with the same transactional id and aborts
 * its open transaction, so a group is either wholly visible to {@code read_committed} readers or not at all.
 */
public final class KafkaAtomicPublisher implements AtomicPublisher {
    private final KafkaSettings kafka;
    private final String name;
    private final String transactionalId;
    private final KafkaProducer<String, byte[]> producer;
    /** The first line of a marker that names its records by outbox sequence and partition floors. */
    static final String MARKER_V2 = "fp-relay-marker 2";
    /** Per partition this instance may publish to: an offset at or below which its next record lands. */
    private final Map<TopicPartition, Long> known = new java.util.HashMap<>();

    /**
     * @param name the relay's name: its transactional id and client id are {@link KafkaSettings#clientId} of it (an
     *             instance with the same name fences this one). The client-id prefix is part of the transactional id,
     *             so every process that may run the relay must use the same prefix, or they will not fence each
     *             other.
     */
    public KafkaAtomicPublisher(KafkaSettings kafka, String name) {
        this.kafka = kafka;
        this.name = name;
        this.transactionalId = kafka.clientId(name);
        this.producer = new KafkaProducer<>(
                kafka.transactionalProducer(name, transactionalId, Duration.ofSeconds(60)),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
        producer.initTransactions();
    }

    @Override
    public Published publish(List<OutboundRecord> records, List<Long> outboxSeqs) throws Exception {
        if (records.size() != outboxSeqs.size()) throw new IllegalArgumentException("one outbox sequence per record");
        // The marker goes out with the records, not after their acknowledgements: it names each record by its outbox
        // sequence (also a header of the record) and, per partition the group may write to, an offset below which
        // none of them can land. One round trip less per group than a marker that waits for the records' offsets;
        // recovery finds the offsets by reading from those floors (markersAfter).
        Map<TopicPartition, Long> floors = floorsFor(records);
        StringBuilder marker = new StringBuilder(64 + records.size() * 24 + floors.size() * 32);
        marker.append(MARKER_V2).append('\n');
        floors.forEach((tp, offset) -> marker.append("floor ")
                .append(tp.topic())
                .append(' ')
                .append(tp.partition())
                .append(' ')
                .append(offset)
                .append('\n'));
        for (int i = 0; i < records.size(); i++)
            marker.append("seq ")
                    .append(outboxSeqs.get(i))
                    .append(' ')
                    .append(records.get(i).topic())
                    .append('\n');
        try {
            producer.beginTransaction();
            List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
            for (int i = 0; i < records.size(); i++) {
                ProducerRecord<String, byte[]> pr = KafkaEventPublisher.toProducerRecord(records.get(i));
                pr.headers().add(Topics.HEADER_OUTBOX_SEQ, outboxTag(outboxSeqs.get(i)));
                futures.add(producer.send(pr));
            }
            Future<RecordMetadata> markerSent = producer.send(new ProducerRecord<>(
                    Topics.INGRESS_RELAY,
                    0,
                    System.currentTimeMillis(),
                    transactionalId,
                    marker.toString().getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction(); // flushes every record and the marker first
            List<BusCoordinates> coordinates = new ArrayList<>(records.size());
            for (Future<RecordMetadata> f : futures) {
                RecordMetadata m = f.get();
                coordinates.add(new BusCoordinates(m.topic(), m.partition(), m.offset()));
                floors.merge(new TopicPartition(m.topic(), m.partition()), m.offset() + 1, Math::max);
            }
            known.putAll(floors);
            return new Published(coordinates, markerSent.get().offset());
        } catch (Exception | Error e) {
            if (fenced(e)) throw new FencedException("relay " + transactionalId + " was fenced by a newer instance", e);
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    /**
     * For every partition of each topic {@code records} go to: an offset at or below which none of them can land. This
     * instance's records come after what it published before (kept in {@link #known}); a partition it never wrote to
     * is read once (its end offset now: whatever is appended later lands above it).
     */
    private Map<TopicPartition, Long> floorsFor(List<OutboundRecord> records) {
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        java.util.Set<String> topics = new java.util.LinkedHashSet<>();
        for (OutboundRecord r : records) topics.add(r.topic());
        for (String topic : topics) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (org.apache.kafka.common.PartitionInfo info : producer.partitionsFor(topic))
                partitions.add(new TopicPartition(topic, info.partition()));
            List<TopicPartition> unknown = new ArrayList<>();
            for (TopicPartition tp : partitions) if (!known.containsKey(tp)) unknown.add(tp);
            if (!unknown.isEmpty()) known.putAll(endOffsets(unknown));
            for (TopicPartition tp : partitions) out.put(tp, known.get(tp));
        }
        return out;
    }

    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(
                kafka.consumer(null, name + "-floors", Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            return c.endOffsets(partitions);
        }
    }

    private static boolean fenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException
                    || t instanceof org.apache.kafka.common.errors.InvalidProducerEpochException) return true;
        }
        return false;
    }

    @Override
    public List<Marker> markersAfter(long offset) {
        Properties p = kafka.consumer(
                null,
                name + "-recovery",
                Map.of(
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        // a seek below the log's start reads what is there
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        List<Marker> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(Topics.INGRESS_RELAY, 0);
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp); // read_committed: the last stable offset
            // A marker log shorter than the recorded progress belongs to a new bus (an embedded broker starts a new
            // log with each process): every marker on it is news.
            c.seek(tp, end <= offset ? 0 : Math.max(0, offset + 1));
            List<ConsumerRecord<String, byte[]>> markers = new ArrayList<>();
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500)))
                    if (transactionalId.equals(r.key())) markers.add(r);
            }
            for (ConsumerRecord<String, byte[]> r : markers)
                out.add(new Marker(r.offset(), coordinates(c, new String(r.value(), StandardCharsets.UTF_8))));
        }
        return out;
    }

    /**
     * The coordinates by outbox sequence of one committed marker: written in it (a marker of the first form, {@code
     * outbox_seq topic partition offset} per line), or found by reading each partition it names from its floor for the
     * records carrying its sequences (the second form, {@link #MARKER_V2}): the marker is committed, so its records
     * are too, in the same transaction.
     */
    /**
     * The header that names a record's outbox sequence and the relay that published it ({@code <transactional id>
     * <seq>}): sequences are one relay's, and other relays (another store's, on the same cluster) write the same topics.
     */
    private byte[] outboxTag(long seq) {
        return (transactionalId + " " + seq).getBytes(StandardCharsets.UTF_8);
    }

    private Map<Long, BusCoordinates> coordinates(KafkaConsumer<String, byte[]> c, String marker) {
        Map<Long, BusCoordinates> bySeq = new LinkedHashMap<>();
        String[] lines = marker.split("\n");
        if (lines.length == 0 || !lines[0].equals(MARKER_V2)) {
            for (String line : lines) {
                if (line.isEmpty()) continue;
                String[] f = line.split(" ");
                bySeq.put(Long.parseLong(f[0]), new BusCoordinates(f[1], Integer.parseInt(f[2]), Long.parseLong(f[3])));
            }
            return bySeq;
        }
        Map<TopicPartition, Long> floors = new LinkedHashMap<>();
        java.util.Set<Long> wanted = new java.util.LinkedHashSet<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f[0].equals("floor"))
                floors.put(new TopicPartition(f[1], Integer.parseInt(f[2])), Long.parseLong(f[3]));
            else if (f[0].equals("seq")) wanted.add(Long.parseLong(f[1]));
        }
        Map<Long, BusCoordinates> found = new java.util.HashMap<>();
        for (Map.Entry<TopicPartition, Long> floor : floors.entrySet()) {
            if (found.size() == wanted.size()) break;
            TopicPartition tp = floor.getKey();
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            c.seek(tp, floor.getValue());
            while (c.position(tp) < end && found.size() < wanted.size()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    org.apache.kafka.common.header.Header h = r.headers().lastHeader(Topics.HEADER_OUTBOX_SEQ);
                    if (h == null) continue;
                    String tag = new String(h.value(), StandardCharsets.UTF_8);
                    int space = tag.lastIndexOf(' ');
                    if (space != transactionalId.length() || !tag.startsWith(transactionalId))
                        continue; // another relay's record
                    long seq = Long.parseLong(tag.substring(space + 1));
                    // The first above the floor is this group's: this relay's later groups carry later sequences.
                    if (wanted.contains(seq))
                        found.putIfAbsent(seq, new BusCoordinates(r.topic(), r.partition(), r.offset()));
                }
            }
        }
        if (found.size() != wanted.size())
            throw new IllegalStateException("a committed relay marker names " + wanted.size() + " records, but "
                    + found.size() + " were found above its floors");
        for (Long seq : wanted) bySeq.put(seq, found.get(seq));
        return bySeq;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
