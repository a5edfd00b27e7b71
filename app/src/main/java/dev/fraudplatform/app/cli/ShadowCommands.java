package dev.fraudplatform.app.cli;

import dev.fraudplatform.app.AdminStores;
import dev.fraudplatform.app.PlatformConfig;
import dev.fraudplatform.core.cases.AccountActivity;
import dev.fraudplatform.core.cases.ActivityEvent;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import dev.fraudplatform.core.store.ObjectStore;
import dev.fraudplatform.decision.bundle.BundleSource;
import dev.fraudplatform.decision.bundle.DecisionBundle;
import dev.fraudplatform.rtdl.audit.AuditLog;
import dev.fraudplatform.rtdl.audit.ShadowComparison;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fp shadow}: shadow scoring (issue 15 §5). A bundle in shadow is scored beside the active one on every
 * transaction ({@code fp run --shadow-bundle}, {@code fp serve --shadow-bundle}); {@code fp shadow report} compares
 * what it decided with what the active bundle decided, and with the labels known now.
 */
@Command(
        name = "shadow",
        description = "Shadow scoring: a bundle decided beside the active one, never acted on.",
        subcommands = {ShadowCommands.Report.class})
public final class ShadowCommands extends Group {

    /**
     * The bundle an option names for shadow scoring, or null when none: a directory holding a {@code bundle.json}, or
     * a bundle shipped with the platform. Refuses (exit 2) a name that is neither.
     */
    public static DecisionBundle shadowBundle(String option) {
        if (option == null || option.isBlank()) return null;
        Path dir = Path.of(option);
        if (Files.isDirectory(dir)) return BundleSource.fromDirectory(dir);
        try {
            return DecisionBundle.builtIn(option);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--shadow-bundle " + option
                    + ": no such bundle (a bundle shipped with the platform, or a directory with a bundle.json)");
        }
    }

    @Command(
            name = "report",
            description =
                    "A run's shadow decisions beside its active ones: agreement, the actions' confusion table, "
                            + "what the shadow would have caught and what it would have declined wrongly (labels as known now).")
    static final class Report implements Callable<Integer> {
        @Option(names = "--run", required = true, paramLabel = "RUN_ID", description = "The run.")
        String runId;

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() {
            PlatformConfig cfg = PlatformConfig.fromEnvironment();
            ObjectStore store = cfg.objectStore();
            ShadowComparison comparison;
            try (AdminStores stores = AdminStores.open(cfg)) {
                if (stores.runs().facts(runId).isEmpty())
                    throw new IllegalArgumentException("no run " + runId + " (fp runs list shows the runs)");
                if (!AuditLog.hasShadow(store, runId))
                    throw new IllegalArgumentException("run " + runId
                            + " has no shadow decisions: no bundle was in shadow for it (fp run --shadow-bundle B"
                            + " scores one)");
                Set<String> fraud = fraudLabelledEvents(stores.labelStore(), stores.accountActivity(), runId);
                comparison = ShadowComparison.of(store, runId, d -> fraud.contains(d.eventId()));
            }
            if (json) {
                var n = comparison.toJson();
                n.put("platform_run_id", runId);
                System.out.println(new String(CanonicalJson.bytes(n), StandardCharsets.UTF_8));
            } else {
                System.out.println("run " + runId);
                System.out.print(comparison.toText());
            }
            return 0;
        }
    }

    /**
     * The event ids of the run's transactions whose standing label, as known now, is FRAUD. Labels name transactions
     * by their {@code txn_id}; decisions by their event id: the casework activity projection maps one to the other
     * (read per labelled account), and a transaction whose event id is its txn id matches directly.
     */
    static Set<String> fraudLabelledEvents(LabelStore labels, AccountActivity activity, String runId) {
        Set<String> fraudTxns = new HashSet<>();
        Map<String, Set<String>> fraudTxnsByAccount = new HashMap<>();
        labels.forEachStanding(runId, Instant.now(), (LabelAssertion a) -> {
            if (a.value() != LabelValue.FRAUD || a.subject().kind() != LabelSubject.Kind.TRANSACTION) return;
            fraudTxns.add(a.subject().id());
            if (a.accountId() != null)
                fraudTxnsByAccount
                        .computeIfAbsent(a.accountId(), k -> new HashSet<>())
                        .add(a.subject().id());
        });
        Set<String> events = new HashSet<>(fraudTxns);
        // Every event up to the end of time: the activity of one account is small beside the run.
        Instant end = Instant.parse("9999-12-31T00:00:00Z");
        fraudTxnsByAccount.forEach((account, txns) -> {
            for (ActivityEvent e : activity.recent(runId, account, end, 1_000_000))
                if (e.txnId() != null && txns.contains(e.txnId())) events.add(e.eventId());
        });
        return events;
    }
}
