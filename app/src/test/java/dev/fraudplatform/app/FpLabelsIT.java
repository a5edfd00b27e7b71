package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudplatform.core.labels.LabelAssertion;
import dev.fraudplatform.core.labels.LabelSource;
import dev.fraudplatform.core.labels.LabelStore;
import dev.fraudplatform.core.labels.LabelSubject;
import dev.fraudplatform.core.labels.LabelValue;
import dev.fraudplatform.parquet.ParquetCodec;
import dev.fraudplatform.parquet.ParquetRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code fp labels} on the platform's own embedded PostgreSQL: assertions written through the Label Store port are read
 * back as of a time, as a history, and as a Parquet export holding nothing observed after its time; an unknown run and
 * an unwritable output are one line, exit 2.
 */
class FpLabelsIT {
    private static final String RUN = "run-labels-it";
    private static final Instant T0 = Instant.parse("2026-03-02T14:00:00.000Z");

    private Path home;
    private CapturedConsole console;

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createTempDirectory("fp-labels-");
        console = CapturedConsole.start(home);
    }

    @AfterEach
    void tearDown() throws Exception {
        console.close();
        WorkDirectories.deleteTree(home);
    }

    private static LabelAssertion label(String id, String txn, LabelSource source, LabelValue value, long days) {
        return new LabelAssertion(
                RUN,
                id,
                LabelSubject.transaction(txn),
                "acct-1",
                "card-1",
                value,
                null,
                source,
                source == LabelSource.INVESTIGATOR ? "DISPOSITION" : "CHARGEBACK",
                source == LabelSource.INVESTIGATOR ? null : "10.4",
                T0,
                T0.plusSeconds(86_400 * days),
                null,
                source == LabelSource.INVESTIGATOR ? "case:c-1" : "event:" + id,
                source == LabelSource.INVESTIGATOR ? "alice" : null,
                null,
                12_999L);
    }

    @Test
    void assertionsWrittenThroughThePortReadBackThroughTheCommands() throws Exception {
        // Given three assertions about t1 (a chargeback, then an investigator's verdict, then a customer's report that
        // cannot overturn it) and one about t2.
        try (AdminStores stores = AdminStores.open(PlatformConfig.fromEnvironment())) {
            LabelStore labels = stores.labelStore();
            labels.append(List.of(
                    label("ev:1", "t1", LabelSource.ISSUER_CHARGEBACK, LabelValue.FRAUD, 10),
                    label("case:c-1:3:t1", "t1", LabelSource.INVESTIGATOR, LabelValue.LEGITIMATE, 20),
                    label("ev:2", "t1", LabelSource.CUSTOMER, LabelValue.FRAUD, 30),
                    label("ev:3", "t2", LabelSource.CUSTOMER, LabelValue.FRAUD, 40)));
        }

        assertThat(Fp.execute("labels", "as-of", "txn:t1", "--at", "2026-03-05T00:00:00Z", "--run", RUN))
                .isZero();
        assertThat(lastLine()).endsWith("in run " + RUN + ": no label");
        assertThat(Fp.execute("labels", "as-of", "txn:t1", "--at", "2026-03-15T00:00:00.000Z", "--run", RUN))
                .isZero();
        assertThat(lastLine()).contains(": FRAUD by ISSUER_CHARGEBACK (CHARGEBACK 10.4)");
        // The run defaults to the newest with assertions.
        assertThat(Fp.execute("labels", "as-of", "transaction:t1", "--at", "2026-06-01T00:00:00Z"))
                .isZero();
        assertThat(lastLine())
                .contains(": LEGITIMATE by INVESTIGATOR (DISPOSITION)")
                .contains("by alice");

        assertThat(Fp.execute("labels", "history", "txn:t1", "--run", RUN)).isZero();
        List<String> history = console.stdout().lines().toList();
        assertThat(history.subList(history.size() - 4, history.size()))
                .satisfiesExactly(
                        l -> assertThat(l).isEqualTo("transaction:t1 in run " + RUN + ": 3 assertions"),
                        l -> assertThat(l).contains("assertion ev:1"),
                        l -> assertThat(l).contains("assertion case:c-1:3:t1"),
                        l -> assertThat(l).contains("assertion ev:2"));

        // The export as of day 25: t1's verdict stands, t2 (observed on day 40) is not there.
        Path out = home.resolve("labels.parquet");
        assertThat(Fp.execute(
                        "labels", "export", "--as-of", "2026-03-27T14:00:00Z", "--run", RUN, "--out", out.toString()))
                .isZero();
        assertThat(lastLine()).contains("1 standing labels as of 2026-03-27T14:00:00.000Z");
        List<String> rows = new ArrayList<>();
        try (ParquetRows r = ParquetCodec.open(
                out, List.of("subject_kind", "subject_id", "value", "source", "assertion_id", "observed_time"))) {
            while (r.next())
                rows.add(String.join(
                        " ",
                        r.getString(0),
                        r.getString(1),
                        r.getString(2),
                        r.getString(3),
                        r.getString(4),
                        r.getString(5)));
        }
        assertThat(rows)
                .containsExactly("TRANSACTION t1 LEGITIMATE INVESTIGATOR case:c-1:3:t1 2026-03-22T14:00:00.000Z");
        try (var files = Files.list(home)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }
    }

    @Test
    void anUnknownRunIsOneLineExitTwo() {
        assertThat(Fp.execute("labels", "history", "txn:t1", "--run", "run-nobody"))
                .isEqualTo(2);
        assertThat(console.stderr().strip()).isEqualTo("fp: no run run-nobody (fp runs list shows the runs)");
        assertThat(Fp.execute("labels", "as-of", "txn:t1", "--at", "2026-03-05T00:00:00Z"))
                .isEqualTo(2);
        assertThat(console.stderr().strip().lines().reduce((a, b) -> b).orElseThrow())
                .isEqualTo("fp: no label assertions yet; name a run with --run");
    }

    private String lastLine() {
        return console.stdout().lines().reduce((a, b) -> b).orElse("");
    }
}
