package dev.fraudplatform.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import java.util.Locale;

/**
 * The decision loop's stream threads as {@code /metrics} shows them now ({@code fp_loop_*}, from Kafka Streams' own
 * metrics, which cover about the last minute): what a bench prints after a phase, so that its numbers come with the
 * loop's commit cost and where its thread's time went.
 */
final class LoopMetrics {
    private LoopMetrics() {}

    /** One line: the commit's latency and rate, and the thread's time by phase; "not running" without a loop. */
    static String now() {
        double avg = value("fp.loop.commit.latency.ms", "stat", "avg");
        if (Double.isNaN(avg)) return "decision loop: no Kafka Streams metrics (not running here)";
        return String.format(
                Locale.ROOT,
                "decision loop (Kafka Streams, about the last minute): commit %.1f ms on average, %.0f ms at most, %.1f"
                        + " commits/s, %,.0f records/s; thread time: process %.0f%%, commit %.0f%%, poll %.0f%%,"
                        + " punctuate %.0f%%",
                avg,
                value("fp.loop.commit.latency.ms", "stat", "max"),
                value("fp.loop.thread.rate", "of", "commit"),
                value("fp.loop.thread.rate", "of", "process"),
                100 * value("fp.loop.thread.time.ratio", "phase", "process"),
                100 * value("fp.loop.thread.time.ratio", "phase", "commit"),
                100 * value("fp.loop.thread.time.ratio", "phase", "poll"),
                100 * value("fp.loop.thread.time.ratio", "phase", "punctuate"));
    }

    private static double value(String name, String tag, String tagValue) {
        Gauge g = Metrics.globalRegistry.find(name).tag(tag, tagValue).gauge();
        return g == null ? Double.NaN : g.value();
    }
}
