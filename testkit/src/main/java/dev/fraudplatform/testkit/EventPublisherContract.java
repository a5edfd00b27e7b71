package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.bus.EventPublisher;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.ingress.BusCoordinates;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventPublisher} adapter promises; extend once per adapter with {@link #newEventPublisher()} and the
 * bus hooks.
 */
public abstract class EventPublisherContract {
    protected EventPublisher publisher;
    /** A topic of its own per test, so adapters backed by a shared server need no cleaning. */
    protected String topic;

    /** A publisher onto the bus the hooks below read. */
    protected abstract EventPublisher newEventPublisher() throws Exception;

    /** Creates a new, empty topic with {@code partitions} partitions and returns its name. */
    protected abstract String newTopic(int partitions) throws Exception;

    /** Every committed record of {@code topic}, by partition then offset. */
    protected abstract List<ReadRecord> readCommitted(String topic) throws Exception;

    /** A record the bus refuses on {@code topic} (for example one larger than it accepts). */
    protected abstract OutboundRecord aRecordTheBusRefuses(String topic);

    @BeforeEach
    void open() throws Exception {
        topic = newTopic(3);
        publisher = newEventPublisher();
    }

    @AfterEach
    void closePublisher() {
        publisher.close();
    }

    protected OutboundRecord record(String key, String value, long timestamp, Map<String, String> headers) {
        return new OutboundRecord(topic, key, value.getBytes(StandardCharsets.UTF_8), timestamp, headers);
    }

    private static String text(OutboundRecord r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    @Test
    void whatIsPublishedIsReadBackWhereItLandedWithKeyTimestampAndHeaders() throws Exception {
        List<OutboundRecord> sent = List.of(
                record("acct-1", "{\"n\":1}", 1_000L, Map.of("fp.admitted_at", "11", "h", "x")),
                record("acct-2", "{\"n\":2}", 2_000L, Map.of()),
                record("acct-3", "{\"n\":3}", 3_000L, Map.of("h", "ü")));
        List<BusCoordinates> at = publisher.publish(sent);
        assertThat(at).hasSize(3).allSatisfy(c -> assertThat(c.topic()).isEqualTo(topic));

        Map<BusCoordinates, OutboundRecord> read =
                readCommitted(topic).stream().collect(Collectors.toMap(ReadRecord::at, ReadRecord::record));
        assertThat(read).hasSize(3);
        for (int i = 0; i < sent.size(); i++) {
            OutboundRecord back = read.get(at.get(i));
            assertThat(back).as("record %d at %s", i, at.get(i)).isNotNull();
            assertThat(back.topic()).isEqualTo(topic);
            assertThat(back.key()).isEqualTo(sent.get(i).key());
            assertThat(back.value()).isEqualTo(sent.get(i).value());
            assertThat(back.timestampMillis()).isEqualTo(sent.get(i).timestampMillis());
            assertThat(back.headers()).isEqualTo(sent.get(i).headers());
        }
    }

    @Test
    void recordsWithOneKeyKeepTheirOrder() throws Exception {
        List<OutboundRecord> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) sent.add(record("acct-" + (i % 4), "v" + i, 1_000L + i, Map.of()));
        List<BusCoordinates> at = publisher.publish(sent);
        for (int k = 0; k < 4; k++) {
            List<BusCoordinates> sameKey = new ArrayList<>();
            for (int i = k; i < sent.size(); i += 4) sameKey.add(at.get(i));
            assertThat(sameKey)
                    .extracting(BusCoordinates::partition)
                    .containsOnly(sameKey.get(0).partition());
            assertThat(sameKey).extracting(BusCoordinates::offset).isSorted().doesNotHaveDuplicates();
        }
        List<String> readForKey0 = readCommitted(topic).stream()
                .filter(r -> r.record().key().equals("acct-0"))
                .map(r -> text(r.record()))
                .toList();
        assertThat(readForKey0).startsWith("v0", "v4", "v8").hasSize(15);
    }

    @Test
    void nothingPublishedIsNothingReturned() throws Exception {
        assertThat(publisher.publish(List.of())).isEmpty();
        assertThat(readCommitted(topic)).isEmpty();
    }

    @Test
    void aPublicationThatFailsThrows() {
        assertThatThrownBy(() ->
                        publisher.publish(List.of(record("acct-1", "ok", 1L, Map.of()), aRecordTheBusRefuses(topic))))
                .isInstanceOf(Exception.class);
    }

    @Test
    void publishersMayBeSharedByThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<BusCoordinates>>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    List<OutboundRecord> batch = new ArrayList<>();
                    for (int i = 0; i < 25; i++) batch.add(record("t" + thread, thread + "-" + i, 1L, Map.of()));
                    return publisher.publish(batch);
                }));
            }
            List<BusCoordinates> all = new ArrayList<>();
            for (Future<List<BusCoordinates>> f : done) all.addAll(f.get(60, TimeUnit.SECONDS));
            assertThat(all).hasSize(100).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
        assertThat(readCommitted(topic)).hasSize(100);
    }
}
