package dev.fraudplatform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.Json;
import org.junit.jupiter.api.Test;

class WiringComparisonTest {
    private static ObjectNode report(String run, String digest, long decisions) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("platform_run_id", run).put("world_id", "w-1").put("bundle_id", "fraud-xgb-v1");
        r.put("reconciled", true).put("laws_hold", true).put("decision_log_digest", digest);
        ObjectNode counts = r.putObject("counts");
        for (String c : WiringComparison.COMPARED_COUNTS) counts.put(c, 100);
        counts.put("decisions", decisions);
        counts.put("bus_records", run.hashCode()); // wiring-dependent: never compared
        r.putObject("performance").put("events_per_second", run.length() * 100);
        return r;
    }

    @Test
    void twoRunsWithTheSameDigestAndCountsAgreeThoughTheirRunIdsAndSpeedsDiffer() {
        WiringComparison c = new WiringComparison(
                "local_parity", report("run-a", "abc", 100), "local", report("run-bb", "abc", 100));
        assertThat(c.passed()).as(c.failures().toString()).isTrue();
        assertThat(c.toJson().path("passed").asBoolean()).isTrue();
        assertThat(c.toHtml()).contains("AGREE").contains("run-a").contains("run-bb");
    }

    @Test
    void aDifferentDigestACountOrABrokenLawIsADisagreementNamedInItsFailures() {
        WiringComparison digest =
                new WiringComparison("local_parity", report("run-a", "abc", 100), "local", report("run-b", "abd", 100));
        assertThat(digest.passed()).isFalse();
        assertThat(digest.failures()).containsExactly("decision_log_digest: local_parity abc, local abd");

        WiringComparison count =
                new WiringComparison("local_parity", report("run-a", "abc", 100), "local", report("run-b", "abc", 99));
        assertThat(count.failures()).containsExactly("count decisions: local_parity 100, local 99");

        ObjectNode broken = report("run-b", "abc", 100);
        broken.put("laws_hold", false);
        WiringComparison law = new WiringComparison("local_parity", report("run-a", "abc", 100), "local", broken);
        assertThat(law.failures()).containsExactly("laws hold on local: false");
        assertThat(law.toHtml()).contains("DISAGREE");
    }

    @Test
    void aReportWithoutADigestNeverAgrees() {
        ObjectNode empty = report("run-b", "abc", 100);
        empty.remove("decision_log_digest");
        ObjectNode alsoEmpty = report("run-a", "abc", 100);
        alsoEmpty.remove("decision_log_digest");
        assertThat(new WiringComparison("a", alsoEmpty, "b", empty).passed()).isFalse();
    }
}
