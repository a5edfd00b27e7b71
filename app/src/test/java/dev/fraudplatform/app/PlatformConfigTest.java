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
        PlatformConfig c = PlatformConfig.from(Map.of("FP_PG_URL", "jdbc:postgresql://db:5432/fp?user=fp&password=hunter2",
                "FP_KAFKA_BOOTSTRAP", "broker:9092", "FP_PARTITIONS", "12"));
        assertThat(c.wiring()).isEqualTo("local");
        assertThat(c.partitions()).isEqualTo(12);
        assertThat(c.describe()).contains("broker:9092").contains("password=***").doesNotContain("hunter2");
        assertThat(PlatformConfig.redact("jdbc:postgresql://fp:s3cret@db/fp")).isEqualTo("jdbc:postgresql://fp:***@db/fp");
    }

    @Test
    void aBadNumberIsAClearError() {
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_PARTITIONS", "six")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("FP_PARTITIONS must be a positive integer, was 'six'");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of("FP_STREAM_THREADS", "0"))).hasMessageContaining("FP_STREAM_THREADS");
    }

    @Test
    void theDecisionConfigDigestDependsOnTheBundleNotTheWiring() {
        PlatformConfig embedded = PlatformConfig.from(Map.of());
        PlatformConfig local = PlatformConfig.from(Map.of("FP_KAFKA_BOOTSTRAP", "b:9092", "FP_PARTITIONS", "3"));
        assertThat(embedded.decisionConfigDigest("rules-v1")).isEqualTo(local.decisionConfigDigest("rules-v1"))
                .isNotEqualTo(embedded.decisionConfigDigest("rules-v2"));
    }
}
