package dev.fraudplatform.rtdl.loop;

import dev.fraudplatform.core.bus.Topics;
import java.util.Map;
import java.util.function.IntPredicate;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether a Kafka Streams client's consumer has fetched a partition of {@code fp.traffic} to its end: its
 * {@code records-lag} metric (records between the consumer's position and the partition's end, as of the last fetch)
 * is zero. A partition not fetched yet, or whose lag is unknown, has not been read to its end. The account task asks
 * it before it calls its quiet input idle ({@link DecisionTopology.Settings#withReadToEnd}). Given its client once
 * {@link #of} it is made; thread-safe.
 */
final class TrafficReadToEnd implements IntPredicate {
    private static final String GROUP = "consumer-fetch-manager-metrics";
    private volatile KafkaStreams streams;

    /** The client whose consumers are asked; before it is given, no partition is read to its end. */
    void of(KafkaStreams client) {
        this.streams = client;
    }

    @Override
    public boolean test(int partition) {
        KafkaStreams client = streams;
        if (client == null) return false;
        String wanted = Integer.toString(partition);
        for (Map.Entry<MetricName, ? extends Metric> e : client.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (!n.name().equals("records-lag") || !n.group().equals(GROUP)) continue;
            String topic = n.tags().get("topic");
            // the client names a topic's metrics with its dots as underscores
            if (!Topics.TRAFFIC.equals(topic)
                    && !Topics.TRAFFIC.replace('.', '_').equals(topic)) continue;
            if (!wanted.equals(n.tags().get("partition"))) continue;
            return e.getValue().metricValue() instanceof Number lag
                    && !Double.isNaN(lag.doubleValue())
                    && lag.doubleValue() <= 0;
        }
        return false;
    }
}
