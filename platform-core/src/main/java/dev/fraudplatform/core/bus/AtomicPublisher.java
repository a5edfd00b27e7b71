package dev.fraudplatform.core.bus;

import dev.fraudplatform.core.ingress.BusCoordinates;
import java.util.List;
import java.util.Map;

/**
 * Port: publishes a group of records together with a marker, atomically: either every record and the marker become
 * visible to committed readers, or none does (Kafka: one transaction). The marker names, for each record, the outbox
 * sequence it came from and where it landed, so that after a crash the publisher's user can tell what was published
 * from what was not without publishing anything twice.
 *
 * <p>One instance per relay; not thread-safe. Creating an instance fences any earlier instance with the same identity
 * and aborts its unfinished group.
 */
public interface AtomicPublisher extends AutoCloseable {

    /** Another instance with the same identity took over: this one must stop, and must not abort the other's work. */
    final class FencedException extends RuntimeException {
        public FencedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Where one group landed: each record's coordinates, in order, and the marker's offset. */
    record Published(List<BusCoordinates> coordinates, long markerOffset) {}

    /** A committed marker: its offset, and each outbox sequence it covers with that record's coordinates. */
    record Marker(long markerOffset, Map<Long, BusCoordinates> coordinatesBySeq) {}

    Published publish(List<OutboundRecord> records, List<Long> outboxSeqs) throws Exception;

    /** The committed markers with an offset above {@code offset}, in order. */
    List<Marker> markersAfter(long offset) throws Exception;

    @Override
    void close();
}
