package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.casework.cases.DispositionLabels;
import dev.fraudplatform.casework.console.InvestigatorConsole;
import dev.fraudplatform.casework.console.PasswordHashing;
import dev.fraudplatform.core.cases.ActivityEvent;
import dev.fraudplatform.core.cases.CaseState;
import dev.fraudplatform.core.cases.CaseSummary;
import dev.fraudplatform.core.cases.CaseTrigger;
import dev.fraudplatform.core.cases.Disposition;
import dev.fraudplatform.core.cases.Investigators;
import dev.fraudplatform.core.cases.QueueQuery;
import dev.fraudplatform.core.cases.TimelineEntry;
import dev.fraudplatform.core.decision.Decision;
import dev.fraudplatform.core.decision.DecisionAction;
import dev.fraudplatform.core.decision.DegradeMode;
import dev.fraudplatform.core.json.Json;
import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import dev.fraudplatform.substrate.postgres.EmbeddedPostgresServer;
import dev.fraudplatform.substrate.postgres.PostgresAccountActivity;
import dev.fraudplatform.substrate.postgres.PostgresCaseStore;
import dev.fraudplatform.substrate.postgres.PostgresDatabase;
import dev.fraudplatform.substrate.postgres.PostgresInvestigators;
import dev.fraudplatform.substrate.postgres.PostgresLabelStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The investigator's console end to end in headless Chromium (Debian's {@code chromium}, driven by npm
 * {@code playwright-core} from {@code src/test/browser/investigator-check.mjs}): on an embedded PostgreSQL seeded
 * through the real adapters (an analyst's account, an account's activity, a case opened by a real REVIEW decision),
 * an analyst signs in, finds the case in the queue, reads it and works it to a CONFIRMED_FRAUD disposition and
 * closes it; then the Label Store, as of now, holds the case's transaction as FRAUD by INVESTIGATOR with the case as
 * provenance, and the timeline holds each action with its user.
 */
class InvestigatorConsoleIT {
    static final String RUN = "run-20261204-console";
    static final String ANALYST = "ana.lyst";
    static final String PASSWORD = "a long analyst password";

    static Path home;
    static EmbeddedPostgresServer pg;
    static PostgresDatabase db;
    static PostgresCaseStore cases;
    static PostgresLabelStore labels;
    static InvestigatorConsole console;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("fp-investigator-console-it-");
        pg = EmbeddedPostgresServer.start(
                home.resolve("pg-data"), Path.of("target", "pg-binaries").toAbsolutePath());
        db = PostgresDatabase.open(pg.jdbcUrl(), 4);
        cases = new PostgresCaseStore(db.dataSource());
        labels = new PostgresLabelStore(db.dataSource());
        PostgresInvestigators investigators = new PostgresInvestigators(db.dataSource());
        investigators.add(new Investigators.Investigator(
                ANALYST, Investigators.Role.ANALYST, PasswordHashing.hash(PASSWORD), Instant.now()));
        DispositionLabels dispositionLabels = new DispositionLabels(cases, labels);
        console = new InvestigatorConsole(
                cases, new PostgresAccountActivity(db.dataSource()), labels, investigators, dispositionLabels::drain);
        console.start(0);
    }

    @AfterAll
    static void stop() {
        if (console != null) console.close();
        if (db != null) db.close();
        if (pg != null) pg.close();
    }

    /**
     * The account {@code acct-000913}: a login and a 3-D Secure check, then a transaction on a device and card it
     * shares with two other accounts, decided REVIEW; the decision opens the case.
     */
    static CaseSummary seedCase() {
        PostgresAccountActivity activity = new PostgresAccountActivity(db.dataSource());
        Instant t = Instant.parse("2026-03-02T14:07:31.250Z");
        String account = "acct-000913";
        List<ActivityEvent> events = new ArrayList<>();
        events.add(
                new ActivityEvent(
                        RUN,
                        "w1-c000000001",
                        "ctx.login",
                        account,
                        t.minusSeconds(300),
                        null,
                        null,
                        "dev-88a1",
                        "203.0.113.7",
                        null,
                        null,
                        "sess-5512",
                        "{\"account_id\":\"acct-000913\",\"device_id\":\"dev-88a1\",\"ip\":\"203.0.113.7\",\"result\":\"success\"}"));
        events.add(new ActivityEvent(
                RUN,
                "w1-c000000002",
                "ctx.three_ds",
                account,
                t.minusSeconds(20),
                null,
                "card-002201",
                null,
                null,
                null,
                null,
                "sess-5512",
                "{\"account_id\":\"acct-000913\",\"card_id\":\"card-002201\",\"outcome\":\"challenge_failed\"}"));
        events.add(new ActivityEvent(
                RUN,
                "w1-t000000041",
                "txn.authorization",
                account,
                t.minusSeconds(3600),
                "t000000041",
                "card-002201",
                "dev-88a1",
                "203.0.113.7",
                "m-0451",
                2_500L,
                "sess-5500",
                "{\"account_id\":\"acct-000913\",\"txn_id\":\"t000000041\",\"amount_minor\":2500}"));
        events.add(
                new ActivityEvent(
                        RUN,
                        "w1-t000000042",
                        "txn.authorization",
                        account,
                        t,
                        "t000000042",
                        "card-002201",
                        "dev-88a1",
                        "203.0.113.7",
                        "m-0451",
                        12_999L,
                        "sess-5512",
                        "{\"account_id\":\"acct-000913\",\"txn_id\":\"t000000042\",\"amount_minor\":12999,\"currency\":\"GBP\"}"));
        // two other accounts on the same device and card: the graph's outer ring
        events.add(new ActivityEvent(
                RUN,
                "w1-t000000050",
                "txn.authorization",
                "acct-000777",
                t.minusSeconds(900),
                "t000000050",
                "card-002201",
                "dev-88a1",
                "198.51.100.4",
                "m-0001",
                100L,
                "sess-7",
                "{\"account_id\":\"acct-000777\",\"txn_id\":\"t000000050\"}"));
        events.add(new ActivityEvent(
                RUN,
                "w1-t000000051",
                "txn.authorization",
                "acct-000778",
                t.minusSeconds(800),
                "t000000051",
                "card-009999",
                "dev-88a1",
                "198.51.100.5",
                "m-0001",
                100L,
                "sess-8",
                "{\"account_id\":\"acct-000778\",\"txn_id\":\"t000000051\"}"));
        activity.record(events);

        ObjectNode features = Json.MAPPER
                .createObjectNode()
                .put("amount_minor", 12_999)
                .put("txn_count_1h", 2)
                .put("device_accounts_24h", 3)
                .put("three_ds_failed", true);
        Decision decision = new Decision(
                Decision.idFor("txn.authorization", "w1-t000000042"),
                "w1-t000000042",
                RUN,
                account,
                t.toString(),
                DecisionAction.REVIEW,
                0.874213,
                List.of("device_shared_by_3_accounts", "three_ds_challenge_failed", "amount_above_p95"),
                "rules-v1",
                DegradeMode.PARTIAL_CONTEXT,
                "missing context: profile",
                "sha256:5f1c",
                features,
                "txn.authorization",
                List.of("profile"));
        cases.attach(List.of(new CaseTrigger(
                RUN,
                decision.decisionId(),
                decision.eventId(),
                account,
                DecisionAction.REVIEW,
                decision.score(),
                12_999L,
                t,
                decision.toJson().toString())));
        return cases.queue(new QueueQuery(RUN, null, 0, null, null, null, null, 10))
                .cases()
                .get(0);
    }

    @Test
    void anAnalystWorksACaseInTheBrowserToAFraudLabelInTheLabelStore() throws Exception {
        CaseSummary opened = seedCase();
        Path script = Path.of("src/test/browser/investigator-check.mjs").toAbsolutePath();
        assertThat(script.getParent().resolve("node_modules/playwright-core"))
                .as("npm ci in src/test/browser (the build's npm step does it)")
                .exists();
        ProcessBuilder check = new ProcessBuilder("node", script.toString(), console.url(), ANALYST, opened.caseId())
                .directory(script.getParent().toFile())
                .redirectErrorStream(true);
        check.environment().put("FP_PASSWORD", PASSWORD);
        check.environment().put("FP_SCREENSHOT", home.resolve("case.png").toString());
        Process node = check.start();
        String out;
        try {
            assertThat(node.waitFor(120, TimeUnit.SECONDS))
                    .as("the browser check ends")
                    .isTrue();
            out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            node.destroyForcibly();
        }
        System.out.println(out);
        assertThat(node.exitValue()).as(out).isZero();
        assertThat(out).contains("ok: closed").doesNotContain("FAIL");

        // The Label Store, as of now, says what the investigator decided, and says it was the case
        LabelAssertion label = labels.asOf(RUN, LabelSubject.transaction("t000000042"), Instant.now())
                .orElseThrow(() -> new AssertionError("no label for t000000042 in the Label Store"));
        assertThat(label.value()).isEqualTo(LabelValue.FRAUD);
        assertThat(label.source()).isEqualTo(LabelSource.INVESTIGATOR);
        assertThat(label.provenance()).isEqualTo("case:" + opened.caseId());
        assertThat(label.actor()).isEqualTo(ANALYST);
        assertThat(label.reasonCode()).isEqualTo(Disposition.CONFIRMED_FRAUD.name());
        // and as of before the disposition it knew nothing
        assertThat(labels.asOf(RUN, LabelSubject.transaction("t000000042"), opened.openedAt()))
                .isEmpty();

        CaseSummary closed = cases.find(opened.caseId()).orElseThrow();
        assertThat(closed.state()).isEqualTo(CaseState.CLOSED);
        assertThat(closed.owner()).isEqualTo(ANALYST);
        assertThat(closed.disposition()).isEqualTo(Disposition.CONFIRMED_FRAUD);
        List<TimelineEntry> timeline = cases.timeline(opened.caseId());
        assertThat(timeline)
                .extracting(e -> e.type() + " by " + e.actor())
                .contains(
                        "ASSIGNED by " + ANALYST,
                        "NOTE by " + ANALYST,
                        "DISPOSITION by " + ANALYST,
                        "CLOSED by " + ANALYST);
        assertThat(timeline)
                .filteredOn(e -> e.type() == TimelineEntry.Type.NOTE)
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("not them"));
        assertThat(timeline).extracting(TimelineEntry::type).contains(TimelineEntry.Type.LABEL_ASSERTED);
    }
}
