package dev.fraudplatform.learning.dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Model Factory's training data: one row per decided transaction, with its features as of the decision and its
 * label as known at a cutoff. Columns: {@code decision_id}, {@code event_id}, {@code event_time_ms}, {@code label}
 * (1 = fraud, 0 = legitimate), {@code typology} (the fraud's kind, null for none or unknown; for evaluation only,
 * never a feature), {@code rules_score} (the rules-only bundle's score of the row, the baseline) and the features, as
 * 32-bit floats in {@link #featureNames()} order, NaN for a missing value.
 *
 * <p>Rows are held in event-time order (ties by decision id) whatever order they were added in, so a dataset, its
 * file and its digest are functions of its rows as a set, and an out-of-time window is a contiguous range of rows.
 * Features are one row-major {@code float[]} ({@code row * width + feature}), the layout XGBoost's dense matrix takes
 * without conversion; 1M rows of 70 features is 280 MB.
 *
 * <p>Immutable once built; {@link #features(int, int)} and friends return copies. Files: {@link DatasetFile}.
 */
public final class Dataset {
    /** The columns every dataset has before its features; no feature may take one of these names. */
    public static final List<String> FIXED_COLUMNS =
            List.of("decision_id", "event_id", "event_time_ms", "label", "typology", "rules_score");

    private final List<String> featureNames;
    private final int size;
    private final String[] decisionIds;
    private final String[] eventIds;
    private final long[] eventTimeMs;
    private final byte[] labels;
    private final String[] typologies;
    private final double[] rulesScores;
    private final float[] features;

    private Dataset(
            List<String> featureNames,
            int size,
            String[] decisionIds,
            String[] eventIds,
            long[] eventTimeMs,
            byte[] labels,
            String[] typologies,
            double[] rulesScores,
            float[] features) {
        this.featureNames = featureNames;
        this.size = size;
        this.decisionIds = decisionIds;
        this.eventIds = eventIds;
        this.eventTimeMs = eventTimeMs;
        this.labels = labels;
        this.typologies = typologies;
        this.rulesScores = rulesScores;
        this.features = features;
    }

    /** A builder for rows with these features, in this order (the model's input vector and the bundle's schema). */
    public static Builder builder(List<String> featureNames) {
        return new Builder(featureNames);
    }

    /** The feature names in the order of every row's vector (unmodifiable). */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Rows. */
    public int size() {
        return size;
    }

    /** Features per row. */
    public int width() {
        return featureNames.size();
    }

    public String decisionId(int row) {
        return decisionIds[Objects.checkIndex(row, size)];
    }

    public String eventId(int row) {
        return eventIds[Objects.checkIndex(row, size)];
    }

    public long eventTimeMs(int row) {
        return eventTimeMs[Objects.checkIndex(row, size)];
    }

    /** 1 for fraud, 0 for legitimate, as known at the dataset's cutoff. */
    public int label(int row) {
        return labels[Objects.checkIndex(row, size)];
    }

    /** The fraud's typology, or null. */
    public String typology(int row) {
        return typologies[Objects.checkIndex(row, size)];
    }

    /** The rules-only bundle's score of the row. */
    public double rulesScore(int row) {
        return rulesScores[Objects.checkIndex(row, size)];
    }

    /** One feature of one row; NaN when missing. */
    public float feature(int row, int feature) {
        return features[Objects.checkIndex(row, size) * width() + Objects.checkIndex(feature, width())];
    }

    /** A copy of one row's feature vector, in {@link #featureNames()} order. */
    public float[] row(int row) {
        int w = width();
        int from = Objects.checkIndex(row, size) * w;
        return Arrays.copyOfRange(features, from, from + w);
    }

    /** The features of rows {@code [from, to)}, row-major (a copy): what XGBoost's dense matrix takes. */
    public float[] features(int from, int to) {
        Objects.checkFromToIndex(from, to, size);
        return Arrays.copyOfRange(features, from * width(), to * width());
    }

    /** The labels of rows {@code [from, to)} as floats (XGBoost's label type). */
    public float[] labels(int from, int to) {
        Objects.checkFromToIndex(from, to, size);
        float[] out = new float[to - from];
        for (int i = from; i < to; i++) out[i - from] = labels[i];
        return out;
    }

    /** Rows labelled fraud. */
    public int positives() {
        int n = 0;
        for (int i = 0; i < size; i++) n += labels[i];
        return n;
    }

    /**
     * Appends rows; {@link #build()} sorts them into event-time order. Refuses, with a message naming the row: a
     * label other than 0 or 1, a vector of the wrong width, a feature name the schema does not have, a decision id
     * seen before (one row per decided transaction). Not thread-safe.
     */
    public static final class Builder {
        private final List<String> featureNames;
        private final Map<String, Integer> index = new java.util.HashMap<>();
        private final Set<String> seen = new HashSet<>();
        private int size;
        private String[] decisionIds = new String[1024];
        private String[] eventIds = new String[1024];
        private long[] eventTimeMs = new long[1024];
        private byte[] labels = new byte[1024];
        private String[] typologies = new String[1024];
        private double[] rulesScores = new double[1024];
        private float[] features;

        private Builder(List<String> featureNames) {
            if (featureNames.isEmpty()) throw new IllegalArgumentException("a dataset needs at least one feature");
            this.featureNames = List.copyOf(featureNames);
            for (int i = 0; i < featureNames.size(); i++) {
                String name = featureNames.get(i);
                if (name == null || name.isEmpty()) throw new IllegalArgumentException("a feature needs a name");
                if (FIXED_COLUMNS.contains(name))
                    throw new IllegalArgumentException("feature " + name + " takes the name of a dataset column");
                if (index.put(name, i) != null)
                    throw new IllegalArgumentException("feature " + name + " is named twice");
            }
            features = new float[1024 * featureNames.size()];
        }

        /**
         * Adds one row.
         *
         * @param features the vector in the schema's order (copied), NaN for a missing value
         * @param typology null when none or unknown
         */
        public Builder add(
                String decisionId,
                String eventId,
                long eventTimeMs,
                int label,
                String typology,
                double rulesScore,
                float[] features) {
            if (decisionId == null || decisionId.isEmpty())
                throw new IllegalArgumentException("a row needs a decision id");
            if (eventId == null) throw new IllegalArgumentException("row " + decisionId + " needs an event id");
            if (label != 0 && label != 1)
                throw new IllegalArgumentException("row " + decisionId + ": label must be 0 or 1, not " + label);
            int w = featureNames.size();
            if (features.length != w)
                throw new IllegalArgumentException(
                        "row " + decisionId + " has " + features.length + " features, the schema " + w);
            if (!seen.add(decisionId))
                throw new IllegalArgumentException("decision " + decisionId + " is in the dataset twice");
            if (size == decisionIds.length) grow();
            decisionIds[size] = decisionId;
            eventIds[size] = eventId;
            this.eventTimeMs[size] = eventTimeMs;
            labels[size] = (byte) label;
            typologies[size] = typology;
            rulesScores[size] = rulesScore;
            System.arraycopy(features, 0, this.features, size * w, w);
            size++;
            return this;
        }

        /**
         * Adds one row whose features are given by name; a feature not given is missing (NaN), a name outside the
         * schema is refused (a feature schema mismatch, not something to drop quietly).
         */
        public Builder add(
                String decisionId,
                String eventId,
                long eventTimeMs,
                int label,
                String typology,
                double rulesScore,
                Map<String, ? extends Number> features) {
            float[] x = new float[featureNames.size()];
            Arrays.fill(x, Float.NaN);
            for (Map.Entry<String, ? extends Number> e : features.entrySet()) {
                Integer i = index.get(e.getKey());
                if (i == null)
                    throw new IllegalArgumentException(
                            "row " + decisionId + " has feature " + e.getKey() + ", not in the schema " + featureNames);
                if (e.getValue() != null) x[i] = e.getValue().floatValue();
            }
            return add(decisionId, eventId, eventTimeMs, label, typology, rulesScore, x);
        }

        private void grow() {
            int n = decisionIds.length * 2;
            decisionIds = Arrays.copyOf(decisionIds, n);
            eventIds = Arrays.copyOf(eventIds, n);
            eventTimeMs = Arrays.copyOf(eventTimeMs, n);
            labels = Arrays.copyOf(labels, n);
            typologies = Arrays.copyOf(typologies, n);
            rulesScores = Arrays.copyOf(rulesScores, n);
            features = Arrays.copyOf(features, Math.multiplyExact(n, featureNames.size()));
        }

        /** Rows added so far. */
        public int size() {
            return size;
        }

        /** The dataset, its rows in event-time order (ties by decision id). The builder may not be used after. */
        public Dataset build() {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) order[i] = i;
            long[] t = eventTimeMs;
            String[] d = decisionIds;
            Arrays.sort(order, (a, b) -> {
                int c = Long.compare(t[a], t[b]);
                return c != 0 ? c : d[a].compareTo(d[b]);
            });
            int w = featureNames.size();
            String[] sd = new String[size];
            String[] se = new String[size];
            long[] st = new long[size];
            byte[] sl = new byte[size];
            String[] sy = new String[size];
            double[] sr = new double[size];
            float[] sf = new float[Math.multiplyExact(size, w)];
            for (int i = 0; i < size; i++) {
                int j = order[i];
                sd[i] = decisionIds[j];
                se[i] = eventIds[j];
                st[i] = eventTimeMs[j];
                sl[i] = labels[j];
                sy[i] = typologies[j];
                sr[i] = rulesScores[j];
                System.arraycopy(features, j * w, sf, i * w, w);
            }
            features = null;
            return new Dataset(featureNames, size, sd, se, st, sl, sy, sr, sf);
        }
    }

    /** The names of features present in {@code names} but not in this dataset, in {@code names} order. */
    public List<String> missingFeatures(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) if (!featureNames.contains(n)) out.add(n);
        return out;
    }
}
