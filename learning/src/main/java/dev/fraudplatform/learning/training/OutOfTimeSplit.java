package dev.fraudplatform.learning.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.learning.dataset.Dataset;
import java.time.Duration;

/**
 * An out-of-time split of a {@link Dataset} (whose rows are in event-time order) into three consecutive windows: the
 * model is trained on the earliest, its thresholds are chosen on the next (validation), and it is judged on the
 * latest (test), which neither training nor threshold choice has seen. Each window is a contiguous range of rows and a
 * half-open event-time interval {@code [fromMs, toMs)}; rows with the same event time are never split apart.
 *
 * <p>Two ways to cut, by {@link Config}:
 *
 * <ul>
 *   <li><b>fractions</b>: the validation window starts at the event time of row {@code floor(train * n)} and the test
 *       window at that of row {@code floor((train + validation) * n)} (then moved later past rows of equal time);
 *   <li><b>days</b>: with {@code end} = the start of the UTC day after the last row's, test = {@code [end - testDays,
 *       end)}, validation = {@code [end - testDays - validationDays, end - testDays)}, train = everything before.
 * </ul>
 *
 * Refused ({@link IllegalArgumentException}, naming the window): a dataset with no rows or no positive labels, and a
 * window with no rows or with one class only (no AUC, no false-positive rate, nothing to learn or to judge).
 */
public record OutOfTimeSplit(Window train, Window validation, Window test) {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    /** One window: rows {@code [fromRow, toRow)}, event times in {@code [fromMs, toMs)}, and its class counts. */
    public record Window(String name, int fromRow, int toRow, long fromMs, long toMs, int positives) {
        public int rows() {
            return toRow - fromRow;
        }

        public int negatives() {
            return rows() - positives;
        }

        ObjectNode toJson() {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("from_ms", fromMs);
            n.put("to_ms", toMs);
            n.put("rows", rows());
            n.put("positives", positives);
            return n;
        }
    }

    /**
     * How to cut. With {@code validationDays} and {@code testDays} both positive the split is by days, else by the
     * fractions {@code trainFraction} and {@code validationFraction} (the test window takes the rest).
     */
    public record Config(double trainFraction, double validationFraction, int validationDays, int testDays) {
        public Config {
            boolean byDays = validationDays > 0 && testDays > 0;
            if (!byDays
                    && (!(trainFraction > 0) || !(validationFraction > 0) || trainFraction + validationFraction >= 1))
                throw new IllegalArgumentException("split fractions must be positive and leave a test window: train "
                        + trainFraction + ", validation " + validationFraction);
            if (validationDays < 0 || testDays < 0)
                throw new IllegalArgumentException("split days must not be negative");
        }

        /** Train on the first {@code train} of the rows, validate on the next {@code validation}, test on the rest. */
        public static Config fractions(double train, double validation) {
            return new Config(train, validation, 0, 0);
        }

        /** Test on the last {@code testDays} UTC days, validate on the {@code validationDays} before, train on the rest. */
        public static Config days(int validationDays, int testDays) {
            if (validationDays < 1 || testDays < 1)
                throw new IllegalArgumentException("validation and test windows need at least one day each");
            return new Config(0, 0, validationDays, testDays);
        }

        /** 60% train, 20% validation, 20% test, by event time. */
        public static Config defaults() {
            return fractions(0.6, 0.2);
        }

        public boolean byDays() {
            return validationDays > 0 && testDays > 0;
        }

        ObjectNode toJson() {
            ObjectNode n = Json.MAPPER.createObjectNode();
            if (byDays()) {
                n.put("validation_days", validationDays);
                n.put("test_days", testDays);
            } else {
                n.put("train_fraction", trainFraction);
                n.put("validation_fraction", validationFraction);
            }
            return n;
        }
    }

    /** Cuts {@code d} as {@code config} says; refuses as the type says. */
    public static OutOfTimeSplit of(Dataset d, Config config) {
        int n = d.size();
        if (n == 0) throw new IllegalArgumentException("the dataset has no rows");
        if (d.positives() == 0)
            throw new IllegalArgumentException(
                    "the dataset has no positive labels (no fraud known as of its cutoff): there is nothing to learn");
        int validationStart;
        int testStart;
        if (config.byDays()) {
            long end = Math.floorDiv(d.eventTimeMs(n - 1), DAY_MS) * DAY_MS + DAY_MS;
            long testFrom = end - config.testDays() * DAY_MS;
            long validationFrom = testFrom - config.validationDays() * DAY_MS;
            validationStart = firstAtOrAfter(d, validationFrom);
            testStart = firstAtOrAfter(d, testFrom);
        } else {
            validationStart = alignUp(d, (int) Math.floor(config.trainFraction() * n));
            testStart = Math.max(validationStart, alignUp(d, (int)
                    Math.floor((config.trainFraction() + config.validationFraction()) * n)));
        }
        long first = d.eventTimeMs(0);
        long afterLast = d.eventTimeMs(n - 1) + 1;
        long validationFromMs = validationStart < n ? d.eventTimeMs(validationStart) : afterLast;
        long testFromMs = testStart < n ? d.eventTimeMs(testStart) : afterLast;
        if (config.byDays()) {
            long end = Math.floorDiv(d.eventTimeMs(n - 1), DAY_MS) * DAY_MS + DAY_MS;
            testFromMs = end - config.testDays() * DAY_MS;
            validationFromMs = testFromMs - config.validationDays() * DAY_MS;
            afterLast = end;
            first = Math.min(first, validationFromMs);
        }
        OutOfTimeSplit split = new OutOfTimeSplit(
                window(d, "train", 0, validationStart, first, validationFromMs),
                window(d, "validation", validationStart, testStart, validationFromMs, testFromMs),
                window(d, "test", testStart, n, testFromMs, afterLast));
        for (Window w : new Window[] {split.train, split.validation, split.test}) {
            if (w.rows() == 0)
                throw new IllegalArgumentException("the " + w.name() + " window [" + w.fromMs() + ", " + w.toMs()
                        + ") has no rows; the dataset's " + n + " rows span [" + d.eventTimeMs(0) + ", "
                        + d.eventTimeMs(n - 1) + "]");
            if (w.positives() == 0 || w.negatives() == 0)
                throw new IllegalArgumentException("the " + w.name() + " window [" + w.fromMs() + ", " + w.toMs()
                        + ") has one class only: " + w.positives() + " fraud, " + w.negatives() + " legitimate of "
                        + w.rows() + " rows");
        }
        return split;
    }

    /** The first row at or after {@code row} whose event time differs from the row before it (never splits a tie). */
    private static int alignUp(Dataset d, int row) {
        int i = Math.max(row, 1);
        while (i < d.size() && d.eventTimeMs(i) == d.eventTimeMs(i - 1)) i++;
        return Math.min(i, d.size());
    }

    /** The first row with event time at or after {@code ms} (binary search: rows are in event-time order). */
    private static int firstAtOrAfter(Dataset d, long ms) {
        int lo = 0;
        int hi = d.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (d.eventTimeMs(mid) < ms) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static Window window(Dataset d, String name, int from, int to, long fromMs, long toMs) {
        int positives = 0;
        for (int i = from; i < to; i++) positives += d.label(i);
        return new Window(name, from, to, fromMs, toMs, positives);
    }

    /** The windows as JSON, for the evidence: {@code {train: {from_ms, to_ms, rows, positives}, validation, test}}. */
    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set("train", train.toJson());
        n.set("validation", validation.toJson());
        n.set("test", test.toJson());
        return n;
    }
}
