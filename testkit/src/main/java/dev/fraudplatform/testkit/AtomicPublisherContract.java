package dev.fraudplatform.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.core.bus.AtomicPublisher;
import dev.fraudplatform.core.bus.OutboundRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AtomicPublisher} adapter promises; extend once per adapter with {@link #newAtomicPublisher} and
 * the bus hooks. Committed readers (Kafka: {@code read_committed}) see a group whole or not at all.
 */
public abstract class AtomicPublisherContract {
    private final List<AtomicPublisher> opened = new ArrayList<>();
    /** A topic of its own per test, so adapters backed by a shared server need no cleaning. */
    protected String topic;
    /** A publisher identity of its own per test. */
    protected String identity;

    /** A publisher with {@code identity}, fencing any earlier one with the same identity. */
    protected abstract AtomicPublisher newAtomicPublisher(String identity) throws Exception;

    /** Creates a new, empty topic with {@code partitions} partitions and returns its name. */
    protected abstract String newTopic(int partitions) throws Exception;

    /** Every committed record of {@code topic}, by partition then offset, as a committed reader sees them. */
    protected abstract List<ReadRecord> readCommitted(String topic) throws Exception;

    /** A record the bus refuses on {@code topic} (for example one larger than it accepts). */
    protected abstract OutboundRecord aRecordTheBusRefuses(String topic);

    @BeforeEach
    void open() throws Exception {
        topic = newTopic(3);
        identity = "relay-" + UUID.randomUUID();
    }

    @AfterEach
    void closeAll() {
        for (AtomicPublisher p : opened) p.close();
    }

    protected AtomicPublisher publisher(String id) throws Exception {
        AtomicPublisher p = newAtomicPublisher(id);
        opened.add(p);
        return p;
    }

    protected List<OutboundRecord> records(String prefix, int n) {
        List<OutboundRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new OutboundRecord(
                    topic,
                    "acct-" + i,
                    (prefix + i).getBytes(StandardCharsets.UTF_8),
                    1_000L + i,
                    Map.of("fp.admitted_at", String.valueOf(i))));
        }
        return out;
    }

    private List<String> committedValues() throws Exception {
        return readCommitted(topic).stream()
                .map(r -> new String(r.record().value(), StandardCharsets.UTF_8))
                .sorted()
                .toList();
    }

    @Test
    void aGroupIsVisibleWithAMarkerNamingWhereEachOutboxRecordLanded() throws Exception {
        AtomicPublisher p = publisher(identity);
        AtomicPublisher.Published published = p.publish(records("a", 3), List.of(10L, 11L, 12L));
        assertThat(published.coordinates())
                .hasSize(3)
                .allSatisfy(c -> assertThat(c.topic()).isEqualTo(topic));
        assertThat(readCommitted(topic))
                .extracting(ReadRecord::at)
                .containsExactlyInAnyOrderElementsOf(published.coordinates());
        assertThat(readCommitted(topic))
                .allSatisfy(r -> assertThat(r.record().headers()).containsKey("fp.admitted_at"));

        List<AtomicPublisher.Marker> markers = p.markersAfter(-1);
        assertThat(markers).singleElement().satisfies(m -> {
            assertThat(m.markerOffset()).isEqualTo(published.markerOffset());
            assertThat(m.coordinatesBySeq())
                    .containsExactly(
                            Map.entry(10L, published.coordinates().get(0)),
                            Map.entry(11L, published.coordinates().get(1)),
                            Map.entry(12L, published.coordinates().get(2)));
        });
    }

    @Test
    void aGroupThatFailsLeavesNothingVisibleAndTheNextGroupGoesThrough() throws Exception {
        AtomicPublisher p = publisher(identity);
        List<OutboundRecord> doomed = new ArrayList<>(records("doomed-", 2));
        doomed.add(1, aRecordTheBusRefuses(topic));
        assertThatThrownBy(() -> p.publish(doomed, List.of(1L, 2L, 3L)))
                .isNotInstanceOf(AtomicPublisher.FencedException.class);
        assertThat(p.markersAfter(-1)).isEmpty();

        AtomicPublisher.Published next = p.publish(records("next-", 2), List.of(4L, 5L));
        assertThat(committedValues()).containsExactly("next-0", "next-1");
        assertThat(p.markersAfter(-1))
                .singleElement()
                .satisfies(m -> assertThat(m.markerOffset()).isEqualTo(next.markerOffset()));
    }

    @Test
    void markersAreReadAfterAnOffsetAndOnlyForTheirOwnIdentity() throws Exception {
        AtomicPublisher p = publisher(identity);
        AtomicPublisher other = publisher(identity + "-other");
        AtomicPublisher.Published first = p.publish(records("a", 1), List.of(1L));
        other.publish(records("o", 1), List.of(1L));
        AtomicPublisher.Published second = p.publish(records("b", 1), List.of(2L));
        assertThat(p.markersAfter(-1))
                .extracting(AtomicPublisher.Marker::markerOffset)
                .containsExactly(first.markerOffset(), second.markerOffset());
        assertThat(p.markersAfter(first.markerOffset()))
                .extracting(AtomicPublisher.Marker::markerOffset)
                .containsExactly(second.markerOffset());
        assertThat(p.markersAfter(second.markerOffset())).isEmpty();
    }

    @Test
    void aSuccessorReadsWhereEveryRecordLandedThoughOthersWroteBetweenTheGroups() throws Exception {
        // Given two groups of one relay over every partition, with another writer's records before, between and after
        AtomicPublisher p = publisher(identity);
        AtomicPublisher other = publisher(identity + "-other");
        other.publish(records("o", 5), List.of(1L, 2L, 3L, 4L, 5L));
        AtomicPublisher.Published first = p.publish(records("a", 7), List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L));
        other.publish(records("p", 5), List.of(6L, 7L, 8L, 9L, 10L));
        AtomicPublisher.Published second = p.publish(records("b", 4), List.of(20L, 21L, 22L, 23L));
        other.publish(records("q", 3), List.of(11L, 12L, 13L));
        // When a successor (knowing nothing of what its predecessor published) reads the markers
        List<AtomicPublisher.Marker> markers = publisher(identity).markersAfter(-1);
        // Then each names exactly where each of its own records landed
        assertThat(markers).hasSize(2);
        List<Long> firstSeqs = List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L);
        List<Long> secondSeqs = List.of(20L, 21L, 22L, 23L);
        for (int i = 0; i < firstSeqs.size(); i++)
            assertThat(markers.get(0).coordinatesBySeq())
                    .containsEntry(firstSeqs.get(i), first.coordinates().get(i));
        for (int i = 0; i < secondSeqs.size(); i++)
            assertThat(markers.get(1).coordinatesBySeq())
                    .containsEntry(secondSeqs.get(i), second.coordinates().get(i));
        assertThat(markers.get(0).coordinatesBySeq()).hasSize(7);
        assertThat(markers.get(1).coordinatesBySeq()).hasSize(4);
    }

    @Test
    void aNewInstanceFencesTheOldOne() throws Exception {
        AtomicPublisher old = publisher(identity);
        old.publish(records("old-", 1), List.of(1L));
        AtomicPublisher successor = publisher(identity);
        assertThatThrownBy(() -> old.publish(records("zombie-", 1), List.of(2L)))
                .isInstanceOf(AtomicPublisher.FencedException.class);
        successor.publish(records("new-", 1), List.of(2L));
        assertThat(committedValues()).containsExactly("new-0", "old-0");
        assertThat(successor.markersAfter(-1)).hasSize(2);
    }

    @Test
    void oneOutboxSequenceIsNeededPerRecord() throws Exception {
        AtomicPublisher p = publisher(identity);
        assertThatThrownBy(() -> p.publish(records("a", 2), List.of(1L))).isInstanceOf(IllegalArgumentException.class);
        assertThat(readCommitted(topic)).isEmpty();
    }
}
