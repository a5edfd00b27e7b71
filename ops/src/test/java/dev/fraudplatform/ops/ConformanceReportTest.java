package dev.fraudplatform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The conformance report's archive row: not wired, reconciled per topic with the bus, or not. */
class ConformanceReportTest {

    private static RunReport run() {
        return new RunReport(
                "run-1",
                "w-1",
                "rules-v1",
                new RunReport.Ingress(
                        10, 0, Map.of("ADMITTED", 10L), Map.of("txn.authorization", 8L, "ctx.login", 2L), 8),
                new RunReport.Decisions(8, 8, Map.of("APPROVE", 8L), Map.of("FULL", 8L), "d", 0),
                8,
                new RunReport.Audit(8, "d", 8, List.of()),
                new RunReport.Casework(List.of("REVIEW"), 0, 0, 0, 0, 0, Map.of(), 0),
                new RunReport.Performance(1000.0, new RunReport.Latency(10.0, 50.0, 80.0), 2.5, 900),
                List.of());
    }

    private static ConformanceReport report() {
        return new ConformanceReport(
                run(),
                Instant.parse("2026-12-04T12:00:00Z"),
                10,
                0,
                Map.of(),
                List.of(new RunReport.Check("a law", true, "holds")),
                "digest",
                Instant.parse("2026-12-04T12:00:00Z"),
                List.of(),
                Map.of(),
                null);
    }

    private static final Map<String, Long> BUS =
            Map.of("fp.traffic", 10L, "fp.decisions", 8L, "fp.actions", 8L, "fp.labels", 0L);

    @Test
    void withoutAnArchiveTheRowIsNotWiredAndTheRunStillConforms() {
        ConformanceReport r = report();
        assertThat(r.passed()).isTrue();
        assertThat(r.toJson().path("counts").get("archive_rows").isNull()).isTrue();
    }

    @Test
    void anArchiveEqualToTheBusOnEveryTopicReconciles() {
        ConformanceReport r = report().withArchive(new ConformanceReport.ArchiveRows(BUS, BUS, List.of()));

        assertThat(r.passed()).isTrue();
        ObjectNode json = r.toJson();
        assertThat(json.path("counts").path("archive_rows").asLong()).isEqualTo(26);
        assertThat(json.path("counts")
                        .path("archive_rows_by_topic")
                        .path("fp.decisions")
                        .asLong())
                .isEqualTo(8);
        assertThat(json.path("counts")
                        .path("bus_records_of_run_by_topic")
                        .path("fp.traffic")
                        .asLong())
                .isEqualTo(10);
        JsonNode check = archiveCheck(json);
        assertThat(check.path("passed").asBoolean()).isTrue();
        assertThat(check.path("kind").asText()).isEqualTo("reconciliation");
        assertThat(check.path("detail").asText()).contains("fp.traffic 10 = 10");
    }

    @Test
    void aTopicWhoseArchiveRowsDifferFromTheBusFailsTheRun() {
        Map<String, Long> archived = new java.util.HashMap<>(BUS);
        archived.put("fp.actions", 7L);
        ConformanceReport r = report().withArchive(new ConformanceReport.ArchiveRows(archived, BUS, List.of()));

        assertThat(r.passed()).isFalse();
        assertThat(r.reconciled()).isFalse();
        assertThat(r.failures()).singleElement().asString().contains("fp.actions 7 != 8");
        ObjectNode json = r.toJson();
        assertThat(json.path("reconciled").asBoolean()).isFalse();
        assertThat(json.path("passed").asBoolean()).isFalse();
        assertThat(archiveCheck(json).path("passed").asBoolean()).isFalse();
        assertThat(ConformanceHtml.render(json)).contains("NOT RECONCILED");
    }

    @Test
    void aTopicOnlyOneSideHasAndATamperedManifestFailToo() {
        assertThat(new ConformanceReport.ArchiveRows(Map.of("fp.traffic", 1L), Map.of(), List.of())
                        .check()
                        .passed())
                .isFalse();
        assertThat(new ConformanceReport.ArchiveRows(BUS, BUS, List.of("archive/run-1/x.parquet: missing"))
                        .check()
                        .passed())
                .isFalse();
    }

    private static JsonNode archiveCheck(JsonNode json) {
        for (JsonNode c : json.path("checks")) if (c.path("name").asText().startsWith("archive rows")) return c;
        throw new AssertionError("no archive check in " + json.path("checks"));
    }
}
