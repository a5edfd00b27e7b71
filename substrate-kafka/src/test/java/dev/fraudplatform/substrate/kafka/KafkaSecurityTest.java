package dev.fraudplatform.substrate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.substrate.kafka.KafkaSecurity.Mechanism;
import dev.fraudplatform.substrate.kafka.KafkaSecurity.Protocol;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;

/** How clients authenticate, from a profile's settings and the environment: properties built, secrets never shown. */
class KafkaSecurityTest {
    static final String SECRET = "s3cr\"et\\;x y";
    static final Map<String, String> ENV = Map.of("FP_KAFKA_USERNAME", "ABCKEY", "FP_KAFKA_PASSWORD", SECRET);

    static Map<String, Object> jaasOptions(Map<String, String> clientProperties) {
        JaasContext context = JaasContext.loadClientContext(
                Map.of("sasl.jaas.config", new Password(clientProperties.get("sasl.jaas.config"))));
        List<AppConfigurationEntry> entries = context.configurationEntries();
        assertThat(entries).hasSize(1);
        return Map.copyOf(entries.get(0).getOptions());
    }

    static String loginModule(Map<String, String> clientProperties) {
        JaasContext context = JaasContext.loadClientContext(
                Map.of("sasl.jaas.config", new Password(clientProperties.get("sasl.jaas.config"))));
        return context.configurationEntries().get(0).getLoginModuleName();
    }

    @Test
    void confluentCloudIsSaslSslPlainWithTheKeyAndSecretFromTheEnvironment() {
        KafkaSecurity security = KafkaSecurity.fromSettings(
                Map.of("kafka.security.protocol", "SASL_SSL", "kafka.sasl.mechanism", "PLAIN"), ENV);

        Map<String, String> p = security.clientProperties();

        assertThat(p)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsOnlyKeys("security.protocol", "sasl.mechanism", "sasl.jaas.config");
        assertThat(loginModule(p)).isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule");
        assertThat(jaasOptions(p))
                .as("quotes, backslashes, semicolons and spaces survive Kafka's JAAS parser")
                .containsEntry("username", "ABCKEY")
                .containsEntry("password", SECRET);
        assertThat(security.credentialSource()).isEqualTo("FP_KAFKA_USERNAME/FP_KAFKA_PASSWORD (SASL PLAIN)");
    }

    @Test
    void scramTakesItsVariablesFromTheSettings() {
        KafkaSecurity security = KafkaSecurity.fromSettings(
                Map.of(
                        "kafka.security.protocol", "sasl_plaintext",
                        "kafka.sasl.mechanism", "scram-sha-512",
                        "kafka.sasl.username.env", "MY_USER",
                        "kafka.sasl.password.env", "MY_PASS"),
                Map.of("MY_USER", "alice", "MY_PASS", "pw"));

        Map<String, String> p = security.clientProperties();

        assertThat(p)
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(loginModule(p)).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
        assertThat(jaasOptions(p)).containsEntry("username", "alice").containsEntry("password", "pw");
        assertThat(security.usernameEnv()).contains("MY_USER");
        assertThat(security.passwordEnv()).contains("MY_PASS");
    }

    @Test
    void mskServerlessIsSaslSslIamWithTheCallbackHandlerAndNoPassword() {
        KafkaSecurity security = KafkaSecurity.fromSettings(
                Map.of("kafka.security.protocol", "SASL_SSL", "kafka.sasl.mechanism", "AWS_MSK_IAM"), Map.of());

        assertThat(security.clientProperties())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "security.protocol", "SASL_SSL",
                        "sasl.mechanism", "AWS_MSK_IAM",
                        "sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;",
                        "sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler"));
        assertThat(KafkaSecurity.awsMskIam().clientProperties()).isEqualTo(security.clientProperties());
        assertThatThrownBy(() -> KafkaSecurity.fromSettings(
                        Map.of("kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.mechanism", "AWS_MSK_IAM"),
                        Map.of()))
                .hasMessageContaining("AWS_MSK_IAM needs kafka.security.protocol=SASL_SSL");
    }

    @Test
    void theTrustStoreAndHostNameVerificationGoWithTls() {
        KafkaSecurity security = KafkaSecurity.fromSettings(
                Map.of(
                        "kafka.security.protocol", "SSL",
                        "kafka.ssl.truststore.location", "/etc/fp/ca.p12",
                        "kafka.ssl.truststore.type", "pkcs12",
                        "kafka.ssl.truststore.password.env", "TS_PASS",
                        "kafka.ssl.endpoint.identification.algorithm", "none"),
                Map.of("TS_PASS", "changeit"));

        assertThat(security.clientProperties())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "security.protocol", "SSL",
                        "ssl.truststore.location", "/etc/fp/ca.p12",
                        "ssl.truststore.type", "PKCS12",
                        "ssl.truststore.password", "changeit",
                        "ssl.endpoint.identification.algorithm", ""));
        assertThat(security.toString()).doesNotContain("changeit").contains("TS_PASS", "/etc/fp/ca.p12");
        assertThatThrownBy(() -> KafkaSecurity.fromSettings(
                        Map.of(
                                "kafka.security.protocol",
                                "SSL",
                                "kafka.ssl.truststore.location",
                                "/x.jks",
                                "kafka.ssl.truststore.password.env",
                                "TS_PASS"),
                        Map.of()))
                .hasMessage(
                        "TS_PASS is not set: kafka.ssl.truststore.password.env names it for the password of /x.jks");
        assertThatThrownBy(
                        () -> KafkaSecurity.fromSettings(Map.of("kafka.ssl.truststore.location", "/x.jks"), Map.of()))
                .hasMessage(
                        "kafka.ssl.truststore.location is set but kafka.security.protocol=PLAINTEXT does not use TLS");
    }

    @Test
    void noSettingsIsPlaintext() {
        KafkaSecurity security = KafkaSecurity.fromSettings(Map.of("kafka.bootstrap", "b:9092"), ENV);

        assertThat(security.clientProperties()).isEqualTo(Map.of("security.protocol", "PLAINTEXT"));
        assertThat(security.mechanism()).isEmpty();
        assertThat(security.credentialSource()).isEqualTo("no credentials (PLAINTEXT)");
    }

    @Test
    void aMissingSecretNamesItsVariableAndWhatBelongsInIt() {
        Map<String, String> confluent = Map.of("kafka.security.protocol", "SASL_SSL", "kafka.sasl.mechanism", "PLAIN");

        assertThatThrownBy(() -> KafkaSecurity.fromSettings(confluent, Map.of("FP_KAFKA_USERNAME", "ABCKEY")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FP_KAFKA_PASSWORD is not set: SASL_SSL PLAIN needs the password (Confluent Cloud: the API"
                        + " secret) in it");
        assertThatThrownBy(() -> KafkaSecurity.fromSettings(confluent, Map.of("FP_KAFKA_PASSWORD", SECRET)))
                .hasMessage("FP_KAFKA_USERNAME is not set: SASL_SSL PLAIN needs the user name (Confluent Cloud: the"
                        + " API key) in it");
        assertThatThrownBy(() -> KafkaSecurity.fromSettings(
                        confluent, Map.of("FP_KAFKA_USERNAME", "ABCKEY", "FP_KAFKA_PASSWORD", "")))
                .as("an empty variable is not a password")
                .hasMessageStartingWith("FP_KAFKA_PASSWORD is not set");
    }

    @Test
    void unknownProtocolsMechanismsAndKeysAreRefusedInOneLine() {
        assertThatThrownBy(() -> KafkaSecurity.fromSettings(Map.of("kafka.security.protocol", "SASL_TLS"), ENV))
                .hasMessage("kafka.security.protocol=SASL_TLS is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
        assertThatThrownBy(() -> KafkaSecurity.fromSettings(
                        Map.of("kafka.security.protocol", "SASL_SSL", "kafka.sasl.mechanism", "GSSAPI"), ENV))
                .hasMessage(
                        "kafka.sasl.mechanism=GSSAPI is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, AWS_MSK_IAM");
        assertThatThrownBy(() -> KafkaSecurity.fromSettings(Map.of("kafka.security.protocol", "SASL_SSL"), ENV))
                .hasMessageStartingWith("kafka.security.protocol=SASL_SSL needs kafka.sasl.mechanism");
        assertThatThrownBy(() -> KafkaSecurity.fromSettings(Map.of("kafka.sasl.mechanism", "PLAIN"), ENV))
                .hasMessage("kafka.sasl.mechanism=PLAIN needs kafka.security.protocol SASL_PLAINTEXT or SASL_SSL, not"
                        + " PLAINTEXT");
        assertThatThrownBy(() -> KafkaSecurity.fromSettings(
                        Map.of(
                                "kafka.security.protocol",
                                "SASL_SSL",
                                "kafka.sasl.mechanism",
                                "PLAIN",
                                "kafka.sasl.pasword.env",
                                "X"),
                        ENV))
                .hasMessageStartingWith("unknown setting kafka.sasl.pasword.env (known: ");
        assertThatThrownBy(() -> KafkaSecurity.sasl(Protocol.PLAINTEXT, Mechanism.PLAIN, "u", "U", "p", "P"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noMessageOrRenderingEverHoldsTheSecret() {
        KafkaSecurity security = KafkaSecurity.sasl(
                Protocol.SASL_SSL, Mechanism.PLAIN, "ABCKEY", "FP_KAFKA_USERNAME", SECRET, "FP_KAFKA_PASSWORD");
        KafkaSettings kafka = KafkaSettings.secured("pkc-1.confluent.cloud:9092", security);

        assertThat(security.toString())
                .doesNotContain(SECRET, "ABCKEY")
                .contains("SASL_SSL PLAIN", "FP_KAFKA_USERNAME/FP_KAFKA_PASSWORD");
        assertThat(kafka.toString())
                .as("sasl.jaas.config holds the password: KafkaSettings never shows it")
                .doesNotContain(SECRET, "ABCKEY", "PlainLoginModule")
                .contains("sasl.jaas.config=******", "security.protocol=SASL_SSL", "sasl.mechanism=PLAIN")
                .contains("credentials=FP_KAFKA_USERNAME/FP_KAFKA_PASSWORD (SASL PLAIN)");
        assertThat(kafka.withExtras(Map.of("linger.ms", "5")).toString()).doesNotContain(SECRET);
        for (String wrong : List.of("", "SASL_SSL")) {
            try {
                KafkaSecurity.fromSettings(
                        Map.of(
                                "kafka.security.protocol",
                                wrong.isEmpty() ? "bad" : wrong,
                                "kafka.sasl.mechanism",
                                "PLAIN"),
                        Map.of("FP_KAFKA_USERNAME", SECRET));
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("\n");
            }
        }
        KafkaAccessException refused = KafkaAccess.explain(
                kafka,
                Duration.ofSeconds(10),
                new java.util.concurrent.ExecutionException(
                        new org.apache.kafka.common.errors.SaslAuthenticationException(
                                "Authentication failed: Invalid username or password")));
        assertThat(refused.getMessage())
                .isEqualTo("Kafka at pkc-1.confluent.cloud:9092 refused the credentials in"
                        + " FP_KAFKA_USERNAME/FP_KAFKA_PASSWORD (SASL PLAIN): authentication failed");
    }

    @Test
    void securedSettingsCarryTheSecurityToEveryClient() {
        KafkaSecurity security =
                KafkaSecurity.sasl(Protocol.SASL_PLAINTEXT, Mechanism.SCRAM_SHA_512, "alice", "U", "pw", "P");
        KafkaSettings kafka = KafkaSettings.secured("127.0.0.1:9092", security);

        for (Properties p : List.of(
                kafka.admin("a", Map.of()),
                kafka.idempotentProducer("p"),
                kafka.transactionalProducer("t", "tx", Duration.ofSeconds(10)),
                kafka.consumer("g", "c", Map.of()),
                kafka.streams("app", "s", Map.of()))) {
            assertThat(p)
                    .containsEntry("security.protocol", "SASL_PLAINTEXT")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsKey("sasl.jaas.config");
        }
        assertThat(kafka.security()).contains(security);
        assertThat(kafka.withExtras(Map.of("linger.ms", "5")).security()).contains(security);
        assertThat(KafkaSettings.of("b:9092").security()).isEmpty();
    }

    @Test
    void timeoutsAndTlsFailuresAreOneLineWithoutKafkaClassNames() {
        KafkaSettings kafka = KafkaSettings.secured(
                "b:9093", KafkaSecurity.sasl(Protocol.SASL_SSL, Mechanism.SCRAM_SHA_256, "u", "U", "p", "P"));

        String timeout = KafkaAccess.explain(
                        kafka,
                        Duration.ofSeconds(10),
                        new java.util.concurrent.ExecutionException(
                                new org.apache.kafka.common.errors.TimeoutException("Timed out waiting for a node")))
                .getMessage();
        String tls = KafkaAccess.explain(
                        kafka,
                        Duration.ofSeconds(10),
                        new org.apache.kafka.common.errors.SslAuthenticationException("SSL handshake failed"))
                .getMessage();

        assertThat(timeout).startsWith("Kafka at b:9093 did not answer within 10 s");
        assertThat(tls).startsWith("Kafka at b:9093: the TLS handshake failed");
        assertThat(List.of(timeout, tls))
                .allSatisfy(m -> assertThat(m).doesNotContain("org.apache", "Exception", "\n"));
    }
}
