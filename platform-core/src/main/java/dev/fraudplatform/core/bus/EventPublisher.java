package dev.fraudplatform.core.bus;

import dev.fraudplatform.core.ingress.BusCoordinates;
import java.util.List;

/**
 * Port: publishes records durably (idempotent, acknowledged by all in-sync replicas) and returns where
 * each landed. Records with the same topic and key keep their order. Thread-safe.
 */
public interface EventPublisher extends AutoCloseable {
    /** Publishes all records and blocks until each is acknowledged; throws if any failed. */
    List<BusCoordinates> publish(List<OutboundRecord> records) throws Exception;

    @Override
    void close();
}
