package dev.fraudplatform.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionLogDigest;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.json.Sha256;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.bundle.BundleSource;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.learning.archive.ArchiveReader;
import dev.fraudplatform.learning.archive.ArchivedRecord;
import dev.fraudplatform.learning.dataset.Dataset;
import dev.fraudplatform.learning.dataset.DatasetAssembly;
import dev.fraudplatform.learning.evaluation.EvaluationReport;
import dev.fraudplatform.learning.evaluation.Metrics;
import dev.fraudplatform.learning.evaluation.WindowEvaluation;
import dev.fraudplatform.learning.features.ParityReport;
import dev.fraudplatform.learning.training.ModelFactory;
import dev.fraudplatform.learning.training.OutOfTimeSplit;
import dev.fraudplatform.learning.training.TrainingConfig;
import dev.fraudplatform.rtdl.offline.OfflineLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The learning pipeline's steps for one archived run, each a function of what the steps before it left in the object
 * store, so each can run as its own task and a step whose output is there is not done again:
 * <ol>
 *   <li>{@link #offlineFeatureShadow}: the loop's features recomputed from the archive, and their parity with the
 *       audit ({@code ofs/<run>/}).
 *   <li>{@link #dataset} and {@link #train}: the leakage-free dataset, the model, its out-of-time evaluation and its
 *       bundle ({@code learning/<run>/}), by the Model Factory.
 *   <li>{@link #replayProof}: the candidate replayed over the run's archived traffic twice: every transaction decided
 *       once, the same decision-log digest both times, and the Decision Fabric re-scoring every frame the same.
 * </ol>
 * Registration as a candidate is the registry's ({@code fp registry register}, which {@code fp learn} calls last).
 */
public final class LearningPipeline {
    /** Chargebacks may come up to 120 days after the transaction: labels are mature this long after the last one. */
    public static final Duration LABEL_MATURITY = Duration.ofDays(120);

    private LearningPipeline() {}

    /**
     * Where one training of a run keeps its outputs: {@code learning/<run>/<config>/}, {@code <config>} the first 12
     * hex digits of the SHA-256 of the training config, so each config's outputs are immutable and a second config
     * never collides with the first.
     */
    public static String prefix(String runId, TrainingConfig config) {
        return "learning/" + runId + "/" + configId(config) + "/";
    }

    public static String configId(TrainingConfig config) {
        return Sha256.hex(CanonicalJson.bytes(config.toJson())).substring(0, 12);
    }

    /**
     * Replays the run's archived traffic through the loop offline and compares with the audit.
     *
     * @param partitions the run's partitions of fp.traffic (1: strict mode)
     */
    public static ParityReport offlineFeatureShadow(
            ObjectStore store, String runId, DecisionBundle runBundle, Duration joinWait, int partitions)
            throws Exception {
        requireArchive(store, runId);
        return OfflineShadowStep.run(
                store,
                runId,
                runBundle,
                joinWait,
                partitions,
                each -> traffic(store, runId, r -> each.accept(r.key(), r.value(), r.timestampMillis(), headers(r))));
    }

    /**
     * The run's archived traffic in the order strict mode reads it: one partition's log as it is; several merged by
     * (record time, event id), the order the scaled loop's projections apply events in once its watermarks pass them.
     */
    public static void traffic(ObjectStore store, String runId, java.util.function.Consumer<ArchivedRecord> each) {
        java.util.Set<String> partitions = new java.util.TreeSet<>();
        java.util.regex.Pattern name = java.util.regex.Pattern.compile(
                ".*/" + java.util.regex.Pattern.quote(Topics.TRAFFIC) + "-(p\\d+)-[^/]*$");
        for (String key : ArchiveReader.segmentKeys(store, runId)) {
            var m = name.matcher(key);
            if (m.matches()) partitions.add(m.group(1));
        }
        if (partitions.size() <= 1) {
            // strict mode: the one partition's log is the order, streamed as it is read
            ArchiveReader.forEachRecord(store, runId, Topics.TRAFFIC, each);
            return;
        }
        List<ArchivedRecord> all = new ArrayList<>();
        ArchiveReader.forEachRecord(store, runId, Topics.TRAFFIC, all::add);
        // (event time, event id): the order scaled mode's projections apply events in, ties included (a world puts many
        // transactions on one millisecond, e.g. the last of a day); a partition's own order breaks what remains.
        all.sort(Comparator.comparingLong(ArchivedRecord::timestampMillis)
                .thenComparing(r -> r.eventId() == null ? "" : r.eventId())
                .thenComparingInt(ArchivedRecord::partition)
                .thenComparingLong(ArchivedRecord::offset));
        all.forEach(each);
    }

    private static Map<String, byte[]> headers(ArchivedRecord r) {
        Map<String, byte[]> out = new HashMap<>();
        if (r.headers() != null) r.headers().forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    private static void requireArchive(ObjectStore store, String runId) {
        if (ArchiveReader.segmentKeys(store, runId).isEmpty())
            throw new IllegalArgumentException(
                    "run " + runId + " has no archive: only runs made with the archive" + " role can be learned from");
    }

    /**
     * The dataset of the run: every feature the loop computed (the model's schema), labels as of {@code cutoff}
     * (null: {@link #defaultCutoff}), typologies from the world's truth for evaluation only.
     */
    public static Dataset dataset(
            ObjectStore store,
            String runId,
            LabelStore labels,
            Instant cutoff,
            DecisionBundle baseline,
            Map<String, String> typologies) {
        List<String> features = DatasetAssembly.recordedFeatures(store, runId);
        if (features.isEmpty())
            throw new IllegalArgumentException("run " + runId + " has no offline features: run its OFS step first");
        Instant at = cutoff != null
                ? cutoff
                : DatasetAssembly.latestEventTime(store, runId).plus(LABEL_MATURITY);
        return DatasetAssembly.assemble(
                store, runId, labels, at, features, baseline, LearningPipeline::txnIdOfEvent, typologies::get);
    }

    /** A world's transaction event id is {@code <world prefix>-<txn id>}. */
    public static String txnIdOfEvent(String eventId) {
        return eventId.substring(eventId.indexOf('-') + 1);
    }

    /**
     * Runs the Model Factory into {@code workDir} (resumable there) and keeps its outputs in the object store under
     * {@code learning/<run>/}.
     */
    public static ModelFactory.Result train(
            ObjectStore store,
            String runId,
            Dataset dataset,
            TrainingConfig config,
            byte[] baseBundleJson,
            ParityReport parity,
            Path workDir)
            throws IOException {
        restore(store, prefix(runId, config), workDir);
        ModelFactory.Result result = ModelFactory.run(dataset, config, baseBundleJson, parity.summary(), workDir);
        return result;
    }

    /**
     * The candidate's replay proof over the run's archived traffic: two offline replays with the candidate give the
     * same decision-log digest; every archived transaction is decided exactly once; and the Decision Fabric re-scores
     * every recorded frame to the same decision (audit replay).
     */
    public static ObjectNode replayProof(ObjectStore store, String runId, Path bundleDir, Duration joinWait)
            throws Exception {
        DecisionBundle candidate = BundleSource.fromDirectory(bundleDir);
        if (candidate.model().isEmpty())
            throw new IllegalArgumentException(
                    "bundle " + candidate.id() + " has no usable model: " + candidate.modelProblem());
        requireArchive(store, runId);
        long[] transactions = {0};
        ArchiveReader.forEachRecord(store, runId, Topics.TRAFFIC, r -> {
            if ("txn.authorization".equals(r.eventClass())) transactions[0]++;
        });
        Replay first = replay(store, runId, candidate, joinWait);
        Replay second = replay(store, runId, candidate, joinWait);
        ObjectNode proof = Json.MAPPER.createObjectNode();
        proof.put("run_id", runId);
        proof.put("bundle_id", candidate.id());
        proof.put("transactions", transactions[0]);
        proof.put("decisions", first.decisions());
        proof.put("distinct_decisions", first.distinct());
        proof.put("conflicting_decisions", first.conflicts());
        proof.put("rescored_matching", first.rescoredMatching());
        proof.put("digest", first.digest());
        proof.put("second_digest", second.digest());
        Map<String, Long> modes = new TreeMap<>(first.modes());
        ObjectNode m = proof.putObject("degrade_modes");
        modes.forEach(m::put);
        boolean reconciled = first.decisions() == transactions[0]
                && first.distinct() == first.decisions()
                && first.conflicts() == 0
                && first.rescoredMatching() == first.decisions()
                && first.digest().equals(second.digest());
        proof.put("reconciled", reconciled);
        return proof;
    }

    private record Replay(
            long decisions,
            long distinct,
            long conflicts,
            long rescoredMatching,
            String digest,
            Map<String, Long> modes) {}

    /**
     * One offline replay of the run's archived traffic with {@code bundle}: its decision-log digest (the platform's
     * definition, {@link DecisionLogDigest}, sorted in chunks on disk: memory stays one chunk however long the run), its
     * degrade modes, and how many recorded frames the Decision Fabric re-scores to the same decision.
     */
    private static Replay replay(ObjectStore store, String runId, DecisionBundle bundle, Duration joinWait)
            throws Exception {
        Map<String, Long> modes = new HashMap<>();
        long[] rescoredMatching = {0};
        var fabric = new dev.fraudplatform.decision.scoring.DecisionFabric(bundle);
        try (DecisionLogDigest log = new DecisionLogDigest()) {
            try (OfflineLoop loop = new OfflineLoop(bundle, joinWait, d -> {
                log.add(d);
                modes.merge(d.degradeMode().name(), 1L, Long::sum);
                Decision again = fabric.decide(dev.fraudplatform.core.decision.JoinFrame.of(d));
                if (again.contentDigest().equals(d.contentDigest())) rescoredMatching[0]++;
            })) {
                traffic(store, runId, r -> loop.accept(r.key(), r.value(), r.timestampMillis(), headers(r)));
                loop.finish();
            }
            DecisionLogDigest.Summary s = log.finish();
            return new Replay(s.added(), s.distinct(), s.conflicts(), rescoredMatching[0], s.digest(), modes);
        }
    }

    /**
     * The test window's identity, {@code evidence.metrics.window}: its id (dataset digest and the window's rows and
     * times) and a digest of it, so the registry can tell whether two bundles were judged on the same transactions.
     */
    public static ObjectNode window(String datasetDigest, OutOfTimeSplit.Window test) {
        ObjectNode w = Json.MAPPER.createObjectNode();
        String id = datasetDigest + ":test:rows " + test.fromRow() + "-" + test.toRow() + ":ms " + test.fromMs() + "-"
                + test.toMs();
        w.put("id", id);
        w.put("digest", Sha256.hex(id.getBytes(StandardCharsets.UTF_8)));
        w.put("rows", test.rows());
        w.put("positives", test.positives());
        return w;
    }

    /**
     * Another bundle judged on the same test window as the candidate ({@code evidence.metrics.active_on_window}): the
     * Decision Fabric of {@code other} scores each test row's features (as the loop would, with every context present),
     * and its recall at 1% FPR and PR-AUC are measured against the same labels.
     */
    public static ObjectNode judgedOnWindow(DecisionBundle other, Dataset dataset, OutOfTimeSplit.Window test) {
        var fabric = new dev.fraudplatform.decision.scoring.DecisionFabric(other);
        int n = test.rows();
        double[] scores = new double[n];
        int[] labels = new int[n];
        Map<String, Long> modes = new TreeMap<>();
        List<String> names = dataset.featureNames();
        for (int i = 0; i < n; i++) {
            int row = test.fromRow() + i;
            ObjectNode features = Json.MAPPER.createObjectNode();
            for (int f = 0; f < names.size(); f++) {
                float v = dataset.feature(row, f);
                if (!Float.isNaN(v)) features.put(names.get(f), (double) v);
            }
            Decision d = fabric.decide(
                    "offline",
                    "txn.authorization",
                    dataset.eventId(row),
                    "-",
                    Instant.ofEpochMilli(dataset.eventTimeMs(row)).toString(),
                    features,
                    null);
            scores[i] = d.score();
            labels[i] = dataset.label(row);
            modes.merge(d.degradeMode().name(), 1L, Long::sum);
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("bundle_id", other.id());
        o.put("bundle_digest", other.digest());
        o.put(
                "recall_at_1pct_fpr",
                Metrics.atFalsePositiveRate(scores, labels, 0.01).recall());
        o.put("pr_auc", Metrics.prAuc(scores, labels));
        o.put("roc_auc", Metrics.rocAuc(scores, labels));
        ObjectNode m = o.putObject("degrade_modes");
        modes.forEach(m::put);
        return o;
    }

    /**
     * Completes the built bundle's evidence, rewriting its bundle.json: {@code metrics.window}, {@code
     * metrics.active_on_window} (the bundle active when it was built, judged on the same window; absent when none) and
     * {@code replay_proof}. The model and scoring are untouched, so the proof made before stays true of the bundle.
     */
    public static DecisionBundle completeEvidence(
            Path bundleDir, ObjectNode window, ObjectNode activeOnWindow, ObjectNode proof) throws IOException {
        Path file = bundleDir.resolve(BundleSource.BUNDLE_FILE);
        JsonNode n = CanonicalJson.EXACT_MAPPER.readTree(Files.readAllBytes(file));
        ObjectNode evidence = (ObjectNode) n.path("evidence");
        ObjectNode metrics = evidence.with("metrics");
        metrics.set("window", window);
        if (activeOnWindow != null) metrics.set("active_on_window", activeOnWindow);
        evidence.set("replay_proof", proof);
        Files.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        return BundleSource.fromDirectory(bundleDir);
    }

    /** What a backtest found: the evaluation over the whole run, and the decisions' degrade modes. */
    public record Backtest(String runId, String bundleId, WindowEvaluation evaluation, Map<String, Long> degradeModes) {
        public ObjectNode toJson() {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("run_id", runId);
            n.put("bundle_id", bundleId);
            ObjectNode m = n.putObject("degrade_modes");
            degradeModes.forEach(m::put);
            n.set("summary", evaluation.summaryJson());
            n.set("evaluation", evaluation.toJson());
            return n;
        }
    }

    /**
     * Scores {@code bundle} over a run's whole archived history, offline, through the loop's own topology, and judges
     * it against the labels as known at {@code cutoff} (null: the run's last transaction + {@link #LABEL_MATURITY}),
     * beside the rules-only baseline ({@code baseline}'s rules at its RULES_ONLY thresholds).
     */
    public static Backtest backtest(
            ObjectStore store,
            String runId,
            DecisionBundle bundle,
            DecisionBundle baseline,
            LabelStore labels,
            Instant cutoff,
            Map<String, String> typologies,
            Duration joinWait)
            throws Exception {
        requireArchive(store, runId);
        List<String> eventIds = new ArrayList<>();
        List<double[]> scores = new ArrayList<>();
        Map<String, Long> modes = new TreeMap<>();
        long[] latest = {Long.MIN_VALUE};
        try (OfflineLoop loop = new OfflineLoop(bundle, joinWait, d -> {
            if (!d.decisionId().startsWith(DatasetAssembly.TXN_DECISION_PREFIX)) return;
            modes.merge(d.degradeMode().name(), 1L, Long::sum);
            eventIds.add(d.eventId());
            double rules = d.features() == null ? 0 : DatasetAssembly.rulesScore(baseline.rules(), d.features());
            scores.add(new double[] {d.score(), rules});
            latest[0] = Math.max(latest[0], Instant.parse(d.eventTime()).toEpochMilli());
        })) {
            traffic(store, runId, r -> loop.accept(r.key(), r.value(), r.timestampMillis(), headers(r)));
            loop.finish();
        }
        if (eventIds.isEmpty()) throw new IllegalArgumentException("run " + runId + " decided no transactions");
        Instant at = cutoff != null ? cutoff : Instant.ofEpochMilli(latest[0]).plus(LABEL_MATURITY);
        Map<String, dev.fraudplatform.core.labels.LabelValue> standing = new HashMap<>();
        labels.forEachStanding(runId, at, a -> {
            if (a.subject().kind() == dev.fraudplatform.core.labels.LabelSubject.Kind.TRANSACTION)
                standing.put(a.subject().id(), a.value());
        });
        int n = eventIds.size();
        double[] bundleScores = new double[n], rulesScores = new double[n];
        int[] y = new int[n];
        String[] typology = new String[n];
        for (int i = 0; i < n; i++) {
            String txn = txnIdOfEvent(eventIds.get(i));
            bundleScores[i] = scores.get(i)[0];
            rulesScores[i] = scores.get(i)[1];
            y[i] = standing.get(txn) == dev.fraudplatform.core.labels.LabelValue.FRAUD ? 1 : 0;
            typology[i] = y[i] == 1 ? typologies.get(txn) : null;
        }
        int positives = java.util.Arrays.stream(y).sum();
        if (positives == 0 || positives == n)
            throw new IllegalArgumentException("run " + runId + " has " + (positives == 0 ? "no" : "only")
                    + " fraud-labelled transactions as of " + at + ": a backtest needs both classes");
        Map<String, double[]> series = new java.util.LinkedHashMap<>();
        series.put(EvaluationReport.BUNDLE, bundleScores);
        series.put(EvaluationReport.RULES, rulesScores);
        Map<String, Map.Entry<String, DecisionBundle.Thresholds>> thresholds = new java.util.LinkedHashMap<>();
        thresholds.put(
                dev.fraudplatform.core.decision.DegradeMode.FULL.name(),
                Map.entry(
                        EvaluationReport.BUNDLE, bundle.thresholds(dev.fraudplatform.core.decision.DegradeMode.FULL)));
        thresholds.put(
                EvaluationReport.RULES,
                Map.entry(
                        EvaluationReport.RULES,
                        baseline.thresholds(dev.fraudplatform.core.decision.DegradeMode.RULES_ONLY)));
        WindowEvaluation evaluation = WindowEvaluation.evaluate("backtest", series, thresholds, y, typology);
        return new Backtest(runId, bundle.id(), evaluation, modes);
    }

    /** Copies what the object store holds under {@code prefix} into {@code dir}, for a step resumed elsewhere. */
    public static void restore(ObjectStore store, String prefix, Path dir) throws IOException {
        for (String key : store.list(prefix)) {
            Path target = dir.resolve(key.substring(prefix.length()));
            if (Files.exists(target)) continue;
            Files.createDirectories(target.getParent());
            Files.write(target, store.read(key));
        }
    }

    /** Keeps every file of {@code dir} in the object store under {@code prefix} (create-if-absent, same bytes). */
    public static void keep(ObjectStore store, String prefix, Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                String key = prefix + dir.relativize(f).toString().replace('\\', '/');
                byte[] bytes = Files.readAllBytes(f);
                if (store.exists(key)) {
                    if (!Sha256.hex(store.read(key)).equals(Sha256.hex(bytes)))
                        throw new IllegalStateException(key + " is kept already with other content");
                    continue;
                }
                store.create(key, bytes);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
