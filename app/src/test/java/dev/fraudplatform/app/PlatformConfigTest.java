package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Wiring selection and settings from the environment. */
class PlatformConfigTest {

    @Test
    void withNothingSetEverythingIsEmbedded() {
        PlatformConfig c = PlatformConfig.from(Map.of());
        assertThat(c.wiring()).isEqualTo("embedded");
        assertThat(c.kafkaBootstrap()).isNull();
        assertThat(c.pgUrl()).isNull();
        assertThat(c.partitions()).isEqualTo(1);
        assertThat(c.streamThreads()).isEqualTo(1);
        assertThat(c.lanes()).as("one lane per partition").isEqualTo(1);
        assertThat(c.home().isAbsolute()).isTrue();
    }

    @Test
    void anExternalServerSelectsTheLocalWiringAndItsSecretNeverShows() {
        PlatformConfig c = PlatformConfig.from(Map.of(
                "FP_PG_URL",
                "jdbc:postgresql://db:5432/fp?user=fp&password=hunter2",
                "FP_KAFKA_BOOTSTRAP",
                "broker:9092",
                "FP_PARTITIONS",
                "12"));
        assertThat(c.wiring()).isEqualTo("local");
        assertThat(c.partitions()).isEqualTo(12);
        assertThat(c.describe())
                .contains("broker:9092")
                .contains("password=***")
                .doesNotContain("hunter2");
        assertThat(PlatformConfig.redact("jdbc:postgresql://fp:s3cret@db/fp"))
                .isEqualTo("jdbc:postgresql://fp:***@db/fp");
    }

    @Test
    void theGateListensOnLoopbackUnlessTheProfileOpensIt() {
        assertThat(PlatformConfig.from(Map.of()).gateHost()).isEqualTo("127.0.0.1");
        assertThat(PlatformConfig.from(Map.of("FP_GATE_HOST", "0.0.0.0")).gateHost())
                .isEqualTo("0.0.0.0");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_GATE_HOST", "0.0.0.0; rm")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "FP_GATE_HOST must be an address to listen on (127.0.0.1, 0.0.0.0, ...), was '0.0.0.0; rm'");
    }

    @Test
    void aBucketPerPlaneRoutesItsRootsAndTheRestStaysInTheMainBucket() {
        PlatformConfig c = PlatformConfig.from(Map.of(
                "FP_STORE", "s3",
                "FP_S3_BUCKET", "fp-evidence",
                "FP_S3_BUCKET_ORACLE", "fp-oracle",
                "FP_S3_BUCKET_ARCHIVE", "fp-archive",
                "FP_S3_ENDPOINT", "http://127.0.0.1:1"));
        assertThat(c.s3().bucketsByRoot())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "oracle", "fp-oracle", "archive", "fp-archive", "ofs", "fp-archive", "learning", "fp-archive"));
        var store = c.objectStore();
        assertThat(store).isInstanceOf(dev.fraudplatform.core.store.RoutedObjectStore.class);
        var routed = (dev.fraudplatform.core.store.RoutedObjectStore) store;
        assertThat(routed.storeOf("oracle/w-1/manifest.json").describe()).contains("fp-oracle");
        assertThat(routed.storeOf("ofs/run-1/parity.json").describe()).contains("fp-archive");
        assertThat(routed.storeOf("quarantine/run-1/x").describe()).contains("fp-evidence");
        assertThat(routed.storeOf("evidence/run-1/report.json").describe()).contains("fp-evidence");
        // one bucket: no routing
        assertThat(PlatformConfig.from(Map.of(
                                "FP_STORE", "s3", "FP_S3_BUCKET", "fp-one", "FP_S3_ENDPOINT", "http://127.0.0.1:1"))
                        .objectStore())
                .isNotInstanceOf(dev.fraudplatform.core.store.RoutedObjectStore.class);
    }

    @Test
    void theCodeVersionNamesTheImageItRanFromAndADirtyTree() {
        String plain = PlatformConfig.codeVersion(Map.of());
        assertThat(plain).doesNotContain("image").doesNotContain("dirty");
        String digest = "sha256:" + "ab".repeat(32);
        assertThat(PlatformConfig.codeVersion(Map.of(
                        "FP_IMAGE_DIGEST", digest,
                        "FP_IMAGE_COMMIT", "1a2b3c4d5e6f7a8b9c0d",
                        "FP_IMAGE_DIRTY", "false")))
                .isEqualTo(plain + " image " + digest + " commit 1a2b3c4d5e6f");
        assertThat(PlatformConfig.codeVersion(Map.of("FP_IMAGE_COMMIT", "1a2b3c4", "FP_IMAGE_DIRTY", "true")))
                .isEqualTo(plain + " commit 1a2b3c4 (dirty tree)");
    }

    @Test
    void aBadNumberIsAClearError() {
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_PARTITIONS", "six")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FP_PARTITIONS must be a positive integer, was 'six'");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_STREAM_THREADS", "0")))
                .hasMessageContaining("FP_STREAM_THREADS");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_GATE_MAX_LOOP_BACKLOG", "lots")))
                .hasMessage("FP_GATE_MAX_LOOP_BACKLOG must be a positive integer, was 'lots'");
    }

    @Test
    void theGateHoldsOpenAsManyRequestsAsItIsGivenWithinItsServersThreads() {
        assertThat(PlatformConfig.from(Map.of()).gateLimits().maxInFlightPerProducer())
                .isEqualTo(64);
        assertThat(PlatformConfig.from(Map.of()).gateLimits().maxInFlightRequests())
                .isEqualTo(128);
        var sized = PlatformConfig.from(Map.of("FP_GATE_MAX_OPEN", "200", "FP_GATE_MAX_OPEN_PER_PRODUCER", "160"))
                .gateLimits();
        assertThat(sized.maxInFlightPerProducer()).isEqualTo(160);
        assertThat(sized.maxInFlightRequests()).isEqualTo(200);
        // a total below the default per-producer bound lowers that too
        assertThat(PlatformConfig.from(Map.of("FP_GATE_MAX_OPEN", "32"))
                        .gateLimits()
                        .maxInFlightPerProducer())
                .isEqualTo(32);
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_GATE_MAX_OPEN", "201")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("FP_GATE_MAX_OPEN must be at most 200");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_GATE_MAX_OPEN_PER_PRODUCER", "129")))
                .hasMessage("FP_GATE_MAX_OPEN_PER_PRODUCER must be at most FP_GATE_MAX_OPEN (128), was 129");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_GATE_MAX_OPEN_PER_PRODUCER", "0")))
                .hasMessage("FP_GATE_MAX_OPEN_PER_PRODUCER must be a positive integer, was '0'");
    }

    @Test
    void theGateShedsAtTheLoopBacklogItIsGiven() {
        assertThat(PlatformConfig.from(Map.of()).gateLimits().maxLoopBacklog()).isEqualTo(20_000);
        assertThat(PlatformConfig.from(Map.of("FP_GATE_MAX_LOOP_BACKLOG", "500"))
                        .gateLimits()
                        .maxLoopBacklog())
                .isEqualTo(500);
    }

    @Test
    void portsTakeZeroForAnyFreePortAndNothingOutOfRange() {
        assertThat(PlatformConfig.from(Map.of("FP_GATE_PORT", "0", "FP_OPS_PORT", "0"))
                        .opsPort())
                .isZero();
        assertThat(PlatformConfig.from(Map.of("FP_OPS_PORT", "9090")).opsPort()).isEqualTo(9090);
        assertThat(PlatformConfig.from(Map.of()).opsPort())
                .as("no console by default")
                .isEqualTo(-1);
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_OPS_PORT", "99999")))
                .hasMessage("FP_OPS_PORT must be a port from 1 to 65535 (or 0: any free port), was '99999'");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_GATE_PORT", "-1")))
                .hasMessageStartingWith("FP_GATE_PORT must be a port");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_TRACE_RATIO", "lots")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FP_TRACE_RATIO must be a share from 0 to 1, was 'lots'");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_TRACE_RATIO", "1.5")))
                .hasMessageStartingWith("FP_TRACE_RATIO");
    }

    @Test
    void zeroMeansAnyFreePortForTheGateAndTheConsoleAsDocumented() {
        PlatformConfig defaults = PlatformConfig.from(Map.of());
        assertThat(defaults.gatePort())
                .as("the gate takes any free port by default")
                .isZero();
        PlatformConfig zeros = PlatformConfig.from(Map.of("FP_GATE_PORT", "0", "FP_OPS_PORT", "0"));
        assertThat(zeros.gatePort()).isZero();
        assertThat(zeros.opsPort()).isZero();
        assertThat(PlatformConfig.from(Map.of("FP_GATE_PORT", " 0 ")).gatePort())
                .as("blanks around it are ignored")
                .isZero();
        assertThat(PlatformConfig.from(Map.of("FP_GATE_PORT", "65535")).gatePort())
                .isEqualTo(65_535);
        assertThat(defaults.withOpsPort(0).opsPort()).as("fp serve --port 0").isZero();
        assertThat(zeros.withHome(defaults.home()).withTopology(3, 2).gatePort())
                .as("kept through the other withers")
                .isZero();
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_GATE_PORT", "65536")))
                .hasMessage("FP_GATE_PORT must be a port from 1 to 65535 (or 0: any free port), was '65536'");
    }

    @Test
    void theDecisionConfigDigestDependsOnTheBundleNotTheWiring() {
        PlatformConfig embedded = PlatformConfig.from(Map.of());
        PlatformConfig local = PlatformConfig.from(Map.of("FP_KAFKA_BOOTSTRAP", "b:9092", "FP_PARTITIONS", "3"));
        assertThat(embedded.decisionConfigDigest("rules-v1"))
                .isEqualTo(local.decisionConfigDigest("rules-v1"))
                .isNotEqualTo(embedded.decisionConfigDigest("rules-v2"));
    }
}
