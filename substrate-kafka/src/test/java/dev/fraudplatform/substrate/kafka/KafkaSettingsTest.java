package dev.fraudplatform.substrate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** One Kafka client configuration: what every client it builds holds, in which order, and what it never prints. */
class KafkaSettingsTest {
    static final Map<String, String> SECURITY = Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "PLAIN",
            "sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";",
            "ssl.truststore.location", "/etc/fp/truststore.jks",
            "ssl.truststore.password", "changeit");

    final KafkaSettings kafka = new KafkaSettings("b1:9092,b2:9092", "fp", SECURITY);

    /** Every kind of configuration the settings build, one each. */
    List<Properties> everyKind() {
        return List.of(
                kafka.producer("p", Map.of()),
                kafka.idempotentProducer("ip"),
                kafka.transactionalProducer("tp", "fp-tx", Duration.ofSeconds(60)),
                kafka.consumer("g", "c", Map.of()),
                kafka.consumer(null, "c2", Map.of()),
                kafka.admin("a", Map.of()),
                kafka.streams("fp-df", "df", Map.of()));
    }

    @Test
    void theExtrasReachEveryKindOfConfiguration() {
        for (Properties p : everyKind()) {
            SECURITY.forEach((k, v) -> assertThat(p.get(k)).as(k).isEqualTo(v));
        }
    }

    @Test
    void everyConfigurationHasTheBootstrapServersAndAPrefixedClientId() {
        assertThat(everyKind()).allSatisfy(p -> {
            assertThat(p.get("bootstrap.servers")).isEqualTo("b1:9092,b2:9092");
            assertThat((String) p.get("client.id")).startsWith("fp-");
        });
        assertThat(kafka.idempotentProducer("platform").get("client.id")).isEqualTo("fp-platform");
        assertThat(kafka.consumer("fp-al", "action-layer", Map.of()))
                .containsEntry("group.id", "fp-al")
                .containsEntry("client.id", "fp-action-layer");
        assertThat(kafka.consumer(null, "scan", Map.of())).doesNotContainKey("group.id");
        assertThat(kafka.streams("fp-df", "df", Map.of()))
                .containsEntry("application.id", "fp-df")
                .containsEntry("client.id", "fp-df");
    }

    @Test
    void theNamedProducersKeepThePlatformsSettings() {
        assertThat(kafka.idempotentProducer("p"))
                .containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "all")
                .containsEntry("compression.type", "lz4")
                .containsEntry("linger.ms", "2")
                .containsEntry("batch.size", String.valueOf(256 * 1024))
                .containsEntry("max.in.flight.requests.per.connection", "5")
                .containsEntry("delivery.timeout.ms", "120000")
                .doesNotContainKey("transactional.id");
        assertThat(kafka.transactionalProducer("tp", "fp-ig-relay", Duration.ofSeconds(60)))
                .containsEntry("transactional.id", "fp-ig-relay")
                .containsEntry("transaction.timeout.ms", 60_000)
                .containsEntry("acks", "all");
    }

    @Test
    void aCallersSpecificSettingWinsOverAnExtraAndOverTheClientId() {
        KafkaSettings tuned = kafka.withExtras(Map.of("max.poll.records", "10", "acks", "1"));

        Properties consumer = tuned.consumer("g", "c", Map.of("max.poll.records", 2000));
        Properties producer = tuned.idempotentProducer("p");
        Properties renamed = tuned.producer("p", Map.of("client.id", "exactly-this"));

        assertThat(consumer.get("max.poll.records")).isEqualTo(2000);
        assertThat(producer.get("acks")).as("idempotence rests on acks=all").isEqualTo("all");
        assertThat(renamed.get("client.id")).isEqualTo("exactly-this");
        assertThat(tuned.admin("a", Map.of()).get("max.poll.records"))
                .as("an extra no one overrides")
                .isEqualTo("10");
    }

    @Test
    void theBootstrapServersAndClientIdHaveOneSource() {
        assertThatThrownBy(() -> new KafkaSettings("b:9092", "fp", Map.of("bootstrap.servers", "other:9092")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KafkaSettings("b:9092", "fp", Map.of("client.id", "x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> kafka.consumer("g", "c", Map.of("bootstrap.servers", "other:9092")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KafkaSettings(" ", "fp", Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringMasksEveryCredential() {
        KafkaSettings cloud = kafka.withExtras(Map.of(
                "ssl.keystore.key", "-----BEGIN PRIVATE KEY-----abc",
                "ssl.key.password", "k3y",
                "sasl.oauthbearer.client.credentials.client.secret", "s3cret",
                "aws.secretAccessKey", "AKIA-SECRET",
                "sasl.login.token", "tok3n"));

        String shown = cloud.toString();

        assertThat(shown)
                .doesNotContain("hunter2", "changeit", "PRIVATE KEY", "k3y", "s3cret", "AKIA-SECRET", "tok3n")
                .contains("b1:9092,b2:9092", "clientIdPrefix=fp")
                .contains("security.protocol=SASL_SSL", "sasl.mechanism=PLAIN")
                .contains("ssl.truststore.location=/etc/fp/truststore.jks")
                .contains("sasl.jaas.config=******", "ssl.truststore.password=******");
        assertThat(KafkaSettings.isSecret("key.serializer")).isFalse();
        assertThat(KafkaSettings.isSecret("ssl.keystore.location")).isFalse();
        assertThat(KafkaSettings.isSecret("api.key")).isTrue();
        assertThat(KafkaSettings.isSecret("sasl.oauthbearer.assertion.private.key.passphrase"))
                .isTrue();
        assertThat(KafkaSettings.isSecret("basic.auth.user.info")).isTrue();
        assertThat(cloud.extras().get("ssl.key.password"))
                .as("the value itself is kept")
                .isEqualTo("k3y");
    }

    @Test
    void equalSettingsAreEqual() {
        assertThat(KafkaSettings.of("b:9092")).isEqualTo(new KafkaSettings("b:9092", "fp", Map.of()));
        assertThat(KafkaSettings.of("b:9092")).isNotEqualTo(kafka);
    }
}
