package dev.fraudplatform.core.ingress;

/** Where a record sits on the bus: topic, partition and offset. */
public record BusCoordinates(String topic, int partition, long offset) {
    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
