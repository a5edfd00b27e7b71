package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilesTest {
    @TempDir
    Path dir;

    private Path profile(String name, String body) throws IOException {
        Path f = dir.resolve(name + ".properties");
        Files.writeString(f, body);
        return f;
    }

    @Test
    void everyShippedProfileLoadsAndTheDefaultIsEverythingInProcess() {
        for (String name : Profiles.SHIPPED)
            assertThat(Profiles.load(name).name()).isEqualTo(name);
        PlatformConfig c = PlatformConfig.from(Map.of(), null);
        assertThat(c.profile()).isEqualTo("local_parity");
        assertThat(c.wiring()).isEqualTo("embedded");
        assertThat(c.s3()).isNull();
        assertThat(c.kafkaSecurity()).isEmpty();
    }

    @Test
    void theLocalProfileNamesItsServersAndTheEnvironmentOverridesAnyKey() {
        PlatformConfig c = PlatformConfig.from(Map.of(), "local");
        assertThat(c.wiring()).isEqualTo("local");
        assertThat(c.kafkaBootstrap()).isEqualTo("127.0.0.1:19092");
        assertThat(c.s3()).isNotNull();
        assertThat(c.s3().bucket()).isEqualTo("fp-local");
        assertThat(c.s3().pathStyle()).isTrue();
        assertThat(c.redisUrl()).isEqualTo("redis://127.0.0.1:6379");

        PlatformConfig overridden = PlatformConfig.from(
                Map.of("FP_KAFKA_BOOTSTRAP", "127.0.0.1:29092", "FP_S3_BUCKET", "other", "FP_PARTITIONS", "4"),
                "local");
        assertThat(overridden.kafkaBootstrap()).isEqualTo("127.0.0.1:29092");
        assertThat(overridden.s3().bucket()).isEqualTo("other");
        assertThat(overridden.partitions()).isEqualTo(4);
        assertThat(overridden.lanes())
                .as("one lane per partition follows the override")
                .isEqualTo(4);
    }

    @Test
    void aDevProfileWithoutItsAddressesIsRefusedNamingTheVariableToSet() {
        assertThatThrownBy(() -> PlatformConfig.from(Map.of(), "dev_min"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profile dev_min needs kafka.bootstrap: set FP_KAFKA_BOOTSTRAP");
        PlatformConfig c = PlatformConfig.from(
                Map.of(
                        "FP_KAFKA_BOOTSTRAP", "pkc-1.eu-west-2.aws.confluent.cloud:9092",
                        "FP_PG_URL", "jdbc:postgresql://db.internal:5432/fp",
                        "FP_REDIS_URL", "redis://cache.internal:6379",
                        "FP_S3_BUCKET", "fp-dev-min-evidence",
                        "FP_KAFKA_USERNAME", "API-KEY-1",
                        "FP_KAFKA_PASSWORD", "api-secret-not-shown"),
                "dev_min");
        assertThat(c.kafkaSecurity())
                .containsEntry("kafka.security.protocol", "SASL_SSL")
                .containsEntry("kafka.sasl.mechanism", "PLAIN");
        assertThat(c.s3().endpoint()).as("AWS's own endpoint").isNull();
        assertThat(c.s3().credentials()).isEqualTo("default");
        assertThat(c.describe() + c).doesNotContain("api-secret-not-shown");
    }

    @Test
    void aSaslProfileWithoutItsSecretIsRefusedBeforeAnythingStartsNamingTheVariable() {
        Map<String, String> addresses = Map.of(
                "FP_KAFKA_BOOTSTRAP", "pkc-1.eu-west-2.aws.confluent.cloud:9092",
                "FP_PG_URL", "jdbc:postgresql://db.internal:5432/fp",
                "FP_REDIS_URL", "redis://cache.internal:6379",
                "FP_S3_BUCKET", "fp-dev-min-evidence",
                "FP_KAFKA_USERNAME", "API-KEY-1");
        assertThatThrownBy(() -> PlatformConfig.from(addresses, "dev_min"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FP_KAFKA_PASSWORD is not set");
        Map<String, String> typo = new java.util.HashMap<>(addresses);
        typo.put("FP_KAFKA_PASSWORD", "x");
        typo.put("FP_KAFKA_SASL_MECHANISMS", "PLAIN");
        assertThatThrownBy(() -> PlatformConfig.from(typo, "dev_min"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka.sasl.mechanisms");
    }

    @Test
    void anUnknownProfileOrKeyIsOneClearLine() throws IOException {
        assertThatThrownBy(() -> PlatformConfig.from(Map.of(), "stagin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown profile 'stagin': the profiles are local_parity, local, dev_min, dev_full, or "
                        + "the path of a .properties file");
        Path typo = profile("typo", "servers=embedded\nkafka.boostrap=127.0.0.1:9092\n");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of(), typo.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("profile typo names an unknown key 'kafka.boostrap' (" + typo + ")");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of(), "../etc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of(), "Bad Name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a profile name is lower case letters, digits and _");
    }

    @Test
    void aSecretInAProfileFileIsRefusedAndPointsToItsVariable() throws IOException {
        Path leaky = profile("leaky", "kafka.sasl.password=hunter2\n");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of(), leaky.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("profile leaky holds a secret under 'kafka.sasl.password': secrets come from the "
                        + "environment only (FP_KAFKA_SASL_PASSWORD)")
                .hasMessageNotContaining("hunter2");
        Path inUrl = profile("inurl", "pg.url=jdbc:postgresql://db:5432/fp?user=fp&password=hunter2\n");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of(), inUrl.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("profile inurl holds a password in 'pg.url'")
                .hasMessageNotContaining("hunter2");
        Path userInfo = profile("userinfo", "redis.url=redis://fp:hunter2@cache:6379\n");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of(), userInfo.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("hunter2");
        Path named = profile("named", "kafka.sasl.password.env=MY_KAFKA_SECRET\n");
        assertThat(PlatformConfig.from(Map.of(), named.toString()).kafkaSecurity())
                .containsEntry("kafka.sasl.password.env", "MY_KAFKA_SECRET");
    }

    @Test
    void anExternalServersProfileNeedsBothItsBusAndItsDatabase() throws IOException {
        Path half = profile("half", "servers=external\nkafka.bootstrap=127.0.0.1:9092\n");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of(), half.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("profile half runs on external servers: set FP_PG_URL");
        Path badStore = profile("badstore", "store=gcs\n");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of(), badStore.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FP_STORE must be filesystem or s3, was 'gcs'");
        Path noBucket = profile("nobucket", "store=s3\n");
        assertThatThrownBy(() -> PlatformConfig.from(Map.of(), noBucket.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the object store is on S3 but FP_S3_BUCKET is not set");
    }

    @Test
    void keysAndTheirVariablesMapBothWays() {
        assertThat(Profiles.envName("kafka.sasl.mechanism")).isEqualTo("FP_KAFKA_SASL_MECHANISM");
        assertThat(Profiles.keyOf("FP_S3_PATH_STYLE")).isEqualTo("s3.path.style");
        assertThat(Profiles.keyOf("HOME")).isNull();
        for (String key : Profiles.KEYS)
            assertThat(Profiles.keyOf(Profiles.envName(key))).isEqualTo(key);
    }
}
