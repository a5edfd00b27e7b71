package dev.fraudplatform.ingress.decide;

import dev.fraudplatform.core.bus.BusAdmin;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the decision loop is behind the gate, in events: the traffic admitted to the bus that the loop's consumer
 * group has not yet committed as consumed, summed over partitions, sampled every {@code periodMs}. The gate sheds load
 * (429 with Retry-After) while it is over its bound, so the one queue between the gate and the loop, the traffic topic,
 * cannot grow without bound however much is offered.
 *
 * <p>Unknown ({@code -1}) until the group has committed on at least one partition, and whenever a sample fails: a gate
 * with no loop behind it yet (a gate run alone, a loop still starting) has nothing to protect, and is not shed on a
 * guess. Partitions the group has not committed on yet count nothing.
 */
public final class LoopBacklog implements LongSupplier, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoopBacklog.class);

    private final BusAdmin bus;
    private final String group;
    private final String topic;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ig-loop-backlog");
        t.setDaemon(true);
        return t;
    });
    private volatile long events = -1;

    /** Samples {@code group}'s backlog on {@code topic} through {@code bus} (kept open by the caller) every period. */
    public LoopBacklog(BusAdmin bus, String group, String topic, long periodMs) {
        this.bus = bus;
        this.group = group;
        this.topic = topic;
        timer.scheduleWithFixedDelay(this::sample, 0, periodMs, TimeUnit.MILLISECONDS);
    }

    /** The latest sample: events admitted and not yet consumed by the loop; -1 when unknown. */
    @Override
    public long getAsLong() {
        return events;
    }

    /** Σ over the partitions the group has committed on: log end less committed offset (never below 0). */
    static long backlog(Map<Integer, Long> ends, Map<Integer, Long> committed) {
        if (committed.isEmpty()) return -1;
        long sum = 0;
        for (Map.Entry<Integer, Long> c : committed.entrySet()) {
            Long end = ends.get(c.getKey());
            if (end != null) sum += Math.max(0, end - c.getValue());
        }
        return sum;
    }

    private void sample() {
        try {
            events = backlog(bus.endOffsets(topic), bus.committedOffsets(group, topic));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            events = -1;
            LOG.debug("loop backlog not sampled: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
