package dev.fraudplatform.learning.dataset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.learning.features.OfflineFeatureShadow;
import dev.fraudplatform.parquet.ParquetCodec;
import dev.fraudplatform.parquet.ParquetRows;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Assembles the Model Factory's dataset for one run: one row per decided transaction, its features as the Offline
 * Feature Shadow recomputed them as of the decision, and its label as the Label Store knew it at a cutoff:
 * <pre>
 *   label(txn) = 1 if the assertion standing on transaction:txn as of cutoff says FRAUD, else 0
 * </pre>
 * read through the Label Store's as-of answer ({@link LabelStore#forEachStanding} at the cutoff), so no assertion
 * observed after the cutoff can reach a row, and an unlabelled transaction is taken as legitimate (the presumption an
 * issuer's training sets make). A fraud row's typology is its standing label's, if it names one. The baseline score is
 * the rules-only bundle's: {@code rules_score = min(1, SUM(weight of the baseline's rules that fire))}.
 *
 * <p>Features are the model's schema ({@code featureNames}); one the tables do not hold is a schema mismatch, refused.
 */
public final class DatasetAssembly {
    /** The decisions of transactions (the rows a dataset has): {@code dec-txn.authorization-<event id>}. */
    public static final String TXN_DECISION_PREFIX = "dec-txn.authorization-";

    private static final List<String> TABLE_COLUMNS =
            List.of("decision_id", "event_id", "event_time_ms", "degrade_mode");

    private DatasetAssembly() {}

    /** Every numeric feature the OFS recorded for the run, in name order: the widest schema a model of it can take. */
    public static List<String> recordedFeatures(ObjectStore store, String runId) {
        TreeSet<String> names = new TreeSet<>();
        for (String key : tables(store, runId)) {
            try (InputStream in = store.open(key)) {
                names.addAll(ParquetCodec.columnNames(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        names.removeAll(TABLE_COLUMNS);
        return List.copyOf(names);
    }

    /** The time of the run's latest decided transaction, from its feature tables. */
    public static Instant latestEventTime(ObjectStore store, String runId) {
        long[] latest = {Long.MIN_VALUE};
        for (String key : tables(store, runId)) {
            try (InputStream in = store.open(key)) {
                ParquetCodec.forEachRow(
                        in, List.of("event_time_ms"), r -> latest[0] = Math.max(latest[0], r.getLong(0)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (latest[0] == Long.MIN_VALUE)
            throw new IllegalArgumentException("run " + runId + " has no offline feature tables: run the OFS first");
        return Instant.ofEpochMilli(latest[0]);
    }

    /**
     * The dataset.
     *
     * @param txnIdOfEvent the world's transaction id of a transaction's event id (the label subject's id)
     * @param baseline     the rules-only bundle whose score is the baseline
     * @param typologyOf   a fraud transaction's typology by transaction id, for evaluation (null or an unknown id: the
     *                     standing label's typology, if it names one)
     * @throws IllegalArgumentException no feature tables (run the OFS first), a feature they lack, or no labels
     */
    public static Dataset assemble(
            ObjectStore store,
            String runId,
            LabelStore labels,
            Instant cutoff,
            List<String> featureNames,
            DecisionBundle baseline,
            Function<String, String> txnIdOfEvent,
            Function<String, String> typologyOf) {
        List<String> keys = tables(store, runId);
        if (keys.isEmpty())
            throw new IllegalArgumentException("run " + runId + " has no offline feature tables: run the OFS first");
        Map<String, LabelValue> standing = new HashMap<>();
        Map<String, String> typologies = new HashMap<>();
        labels.forEachStanding(runId, cutoff, a -> {
            if (a.subject().kind() != LabelSubject.Kind.TRANSACTION) return;
            standing.put(a.subject().id(), a.value());
            String typology =
                    typologyOf == null ? null : typologyOf.apply(a.subject().id());
            if (typology == null) typology = a.typology();
            if (typology != null) typologies.put(a.subject().id(), typology);
        });
        if (standing.isEmpty())
            throw new IllegalArgumentException(
                    "run " + runId + " has no transaction labels known at " + cutoff + ": nothing to learn from");
        Dataset.Builder rows = Dataset.builder(featureNames);
        List<DecisionBundle.Rule> rules = baseline.rules();
        for (String key : keys) {
            try (InputStream in = store.open(key)) {
                ParquetCodec.forEachRow(in, List.of(), new Consumer<ParquetRows>() {
                    /** Where the schema's features and the rules' features sit in this file: known at its first row. */
                    int[] at, ruleAt;

                    @Override
                    public void accept(ParquetRows r) {
                        if (at == null) {
                            List<String> columns = r.columnNames();
                            at = positions(columns, featureNames, runId);
                            ruleAt = new int[rules.size()];
                            for (int i = 0; i < ruleAt.length; i++)
                                ruleAt[i] = columns.indexOf(rules.get(i).feature());
                        }
                        add(rows, r, at, rules, ruleAt, standing, typologies, txnIdOfEvent);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rows.build();
    }

    private static int[] positions(List<String> columns, List<String> featureNames, String runId) {
        int[] at = new int[featureNames.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = columns.indexOf(featureNames.get(i));
            if (at[i] < 0)
                throw new IllegalArgumentException("feature " + featureNames.get(i)
                        + " is not among the features the loop computed for run " + runId);
        }
        return at;
    }

    private static void add(
            Dataset.Builder rows,
            ParquetRows r,
            int[] at,
            List<DecisionBundle.Rule> rules,
            int[] ruleAt,
            Map<String, LabelValue> standing,
            Map<String, String> typologies,
            Function<String, String> txnIdOfEvent) {
        String decisionId = r.getString(0);
        if (!decisionId.startsWith(TXN_DECISION_PREFIX)) return;
        float[] x = new float[at.length];
        for (int i = 0; i < at.length; i++) {
            double v = r.getDouble(at[i]);
            x[i] = r.wasNull() ? Float.NaN : (float) v;
        }
        ObjectNode ruleFeatures = Json.MAPPER.createObjectNode();
        for (int i = 0; i < ruleAt.length; i++) {
            if (ruleAt[i] < 0) continue;
            double v = r.getDouble(ruleAt[i]);
            if (!r.wasNull()) ruleFeatures.put(rules.get(i).feature(), v);
        }
        String eventId = r.getString(1);
        String txn = txnIdOfEvent.apply(eventId);
        int label = standing.get(txn) == LabelValue.FRAUD ? 1 : 0;
        rows.add(
                decisionId,
                eventId,
                r.getLong(2),
                label,
                label == 1 ? typologies.get(txn) : null,
                rulesScore(rules, ruleFeatures),
                x);
    }

    /** {@code min(1, SUM(weight of the rules that fire))}. */
    public static double rulesScore(List<DecisionBundle.Rule> rules, com.fasterxml.jackson.databind.JsonNode features) {
        double sum = 0;
        for (DecisionBundle.Rule rule : rules) if (rule.fires(features)) sum += rule.weight();
        return Math.min(1.0, sum);
    }

    private static List<String> tables(ObjectStore store, String runId) {
        List<String> out = new ArrayList<>();
        for (String k : store.list(OfflineFeatureShadow.featuresPrefix(runId))) if (k.endsWith(".parquet")) out.add(k);
        return out;
    }
}
