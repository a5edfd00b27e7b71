package dev.fraudplatform.substrate.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudplatform.substrate.kafka.KafkaAccess.TopicCheck;
import dev.fraudplatform.substrate.kafka.KafkaAccess.TopicExpectation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A broker whose only client listener is SASL_PLAINTEXT (PLAIN and SCRAM-SHA-512 users): with the right secret every
 * kind of client the platform runs works through {@link KafkaSettings#secured}; with a wrong or missing secret the
 * platform stops in one line that names the variable, never the secret.
 */
class KafkaAuthenticationIT {
    static final String PLAIN_USER = "alice";
    static final String PLAIN_PASSWORD = "alice-Pw.1";
    static final String SCRAM_USER = "bob";
    static final String SCRAM_PASSWORD = "bob-Pw.512";
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    static Path dir;
    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startSaslBroker() throws Exception {
        dir = Files.createTempDirectory("fp-kafka-auth-it-");
        long t0 = System.nanoTime();
        broker = EmbeddedKafkaBroker.start(
                dir.resolve("kafka"),
                BrokerUsers.none().withPlain(PLAIN_USER, PLAIN_PASSWORD).withScramSha512(SCRAM_USER, SCRAM_PASSWORD));
        System.out.printf("SASL broker started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) broker.close();
    }

    /** The settings a profile with {@code mechanism} and these environment variables gives. */
    static KafkaSettings settings(String mechanism, Map<String, String> env) {
        return KafkaSettings.secured(
                broker.bootstrapServers(),
                KafkaSecurity.fromSettings(
                        Map.of("kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.mechanism", mechanism), env));
    }

    static Map<String, String> env(String mechanism) {
        return mechanism.equals("PLAIN")
                ? Map.of("FP_KAFKA_USERNAME", PLAIN_USER, "FP_KAFKA_PASSWORD", PLAIN_PASSWORD)
                : Map.of("FP_KAFKA_USERNAME", SCRAM_USER, "FP_KAFKA_PASSWORD", SCRAM_PASSWORD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-512"})
    void withTheRightSecretEveryKindOfClientWorks(String mechanism) throws Exception {
        long t0 = System.nanoTime();
        KafkaSettings kafka = settings(mechanism, env(mechanism));
        String suffix = mechanism.toLowerCase().replace("-", "");
        String in = "auth.in." + suffix;
        String out = "auth.out." + suffix;

        // Given access, as fp doctor sees it
        KafkaAccess.Cluster cluster = KafkaAccess.verify(kafka, TIMEOUT);
        assertThat(cluster.clusterId()).isNotBlank();
        assertThat(cluster.brokerCount()).isEqualTo(1);
        assertThat(cluster.line()).startsWith("Kafka at " + broker.bootstrapServers() + ": cluster ");

        // admin: create topics
        try (Admin admin = KafkaTopics.admin(kafka, "auth-admin")) {
            KafkaTopics.ensure(admin, List.of(in, out), 3);
        }
        List<TopicCheck> checks = KafkaAccess.checkTopics(
                kafka,
                List.of(
                        TopicExpectation.platform(in, 3),
                        TopicExpectation.platform(out, 6),
                        TopicExpectation.platform("auth.absent." + suffix, 1)),
                TIMEOUT);
        assertThat(checks).extracting(TopicCheck::ok).containsExactly(true, false, false);
        assertThat(checks.get(0).line()).isEqualTo("topic " + in + ": ok (3 partitions, retention.ms -1)");
        assertThat(checks.get(1).line()).isEqualTo("topic " + out + ": 3 partitions, expected 6");
        assertThat(checks.get(2).line()).isEqualTo("topic auth.absent." + suffix + ": missing");

        // idempotent producer
        try (KafkaProducer<String, String> p = new KafkaProducer<>(
                kafka.idempotentProducer("auth-idem"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 50; i++) p.send(new ProducerRecord<>(in, "k" + i, "idem-" + i));
            p.flush();
        }
        // transactional producer: one committed and one aborted transaction
        try (KafkaProducer<String, String> p = new KafkaProducer<>(
                kafka.transactionalProducer("auth-tx", "fp-auth-it-" + suffix, Duration.ofSeconds(30)),
                new StringSerializer(),
                new StringSerializer())) {
            p.initTransactions();
            p.beginTransaction();
            for (int i = 0; i < 50; i++) p.send(new ProducerRecord<>(in, "k" + i, "tx-" + i));
            p.commitTransaction();
            p.beginTransaction();
            for (int i = 0; i < 10; i++) p.send(new ProducerRecord<>(in, "k" + i, "aborted-" + i));
            p.flush();
            p.abortTransaction();
        }
        // read_committed consumer
        List<String> read = readCommitted(kafka, in, 100);
        assertThat(read).hasSize(100).noneMatch(v -> v.startsWith("aborted-"));

        // Kafka Streams, exactly_once_v2: copy in to out
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(v -> "copied-" + v)
                .to(out, Produced.with(Serdes.String(), Serdes.String()));
        Properties sp = kafka.streams(
                "fp-auth-it-copy-" + suffix,
                "auth-streams",
                Map.of(
                        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                        StreamsConfig.EXACTLY_ONCE_V2,
                        StreamsConfig.STATE_DIR_CONFIG,
                        dir.resolve("streams-" + suffix).toString(),
                        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                        "100",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"));
        KafkaStreams streams = new KafkaStreams(builder.build(), sp);
        List<String> copied;
        try {
            streams.start();
            copied = readCommitted(kafka, out, 100);
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
        assertThat(copied).hasSize(100).allMatch(v -> v.startsWith("copied-idem-") || v.startsWith("copied-tx-"));
        assertThat(new TreeSet<>(copied)).hasSize(100);
        System.out.printf("%s: every client worked in %d ms%n", mechanism, (System.nanoTime() - t0) / 1_000_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-512"})
    void aWrongPasswordStopsInOneLineNamingTheVariablesNotTheSecret(String mechanism) {
        String wrong = "wrong-" + env(mechanism).get("FP_KAFKA_PASSWORD");
        KafkaSettings kafka = settings(
                mechanism,
                Map.of("FP_KAFKA_USERNAME", env(mechanism).get("FP_KAFKA_USERNAME"), "FP_KAFKA_PASSWORD", wrong));

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> KafkaAccess.verify(kafka, TIMEOUT))
                .isInstanceOf(KafkaAccessException.class)
                .hasMessage("Kafka at " + broker.bootstrapServers()
                        + " refused the credentials in FP_KAFKA_USERNAME/FP_KAFKA_PASSWORD (SASL " + mechanism
                        + "): authentication failed")
                .message()
                .doesNotContain(wrong);
        System.out.printf("%s wrong password refused in %d ms%n", mechanism, (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void anUnknownUserIsRefusedToo() {
        KafkaSettings kafka =
                settings("SCRAM-SHA-512", Map.of("FP_KAFKA_USERNAME", "mallory", "FP_KAFKA_PASSWORD", SCRAM_PASSWORD));

        assertThatThrownBy(() -> KafkaAccess.verify(kafka, TIMEOUT))
                .isInstanceOf(KafkaAccessException.class)
                .hasMessageContaining("refused the credentials in FP_KAFKA_USERNAME/FP_KAFKA_PASSWORD");
    }

    @Test
    void aPlainUserCannotUseScramNorAScramUserPlain() {
        KafkaSettings plainUserOverScram =
                settings("SCRAM-SHA-512", Map.of("FP_KAFKA_USERNAME", PLAIN_USER, "FP_KAFKA_PASSWORD", PLAIN_PASSWORD));
        KafkaSettings scramUserOverPlain =
                settings("PLAIN", Map.of("FP_KAFKA_USERNAME", SCRAM_USER, "FP_KAFKA_PASSWORD", SCRAM_PASSWORD));

        assertThatThrownBy(() -> KafkaAccess.verify(plainUserOverScram, TIMEOUT))
                .isInstanceOf(KafkaAccessException.class)
                .hasMessageContaining("authentication failed");
        assertThatThrownBy(() -> KafkaAccess.verify(scramUserOverPlain, TIMEOUT))
                .isInstanceOf(KafkaAccessException.class)
                .hasMessageContaining("authentication failed");
    }

    @Test
    void aMissingPasswordVariableFailsBeforeAnyConnection() {
        assertThatThrownBy(() -> settings("PLAIN", Map.of("FP_KAFKA_USERNAME", PLAIN_USER)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FP_KAFKA_PASSWORD is not set: SASL_PLAINTEXT PLAIN needs the password (Confluent Cloud:"
                        + " the API secret) in it");
    }

    @Test
    void theClientListenerRefusesUnauthenticatedClients() {
        KafkaSettings plaintext = KafkaSettings.of(broker.bootstrapServers());

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> KafkaAccess.verify(plaintext, Duration.ofSeconds(3)))
                .isInstanceOf(KafkaAccessException.class)
                .hasMessageStartingWith("Kafka at " + broker.bootstrapServers() + " did not answer within 3 s")
                .message()
                .doesNotContain("\n", "org.apache");
        System.out.printf("plaintext client gave up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void anUnreachableClusterIsNamedWithTheTimeout() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        KafkaSettings nobody = KafkaSettings.secured(
                "127.0.0.1:" + port,
                KafkaSecurity.fromSettings(
                        Map.of("kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.mechanism", "PLAIN"),
                        env("PLAIN")));

        assertThatThrownBy(() -> KafkaAccess.verify(nobody, Duration.ofSeconds(2)))
                .isInstanceOf(KafkaAccessException.class)
                .hasMessageStartingWith(
                        "Kafka at 127.0.0.1:" + port + " did not answer within 2 s (reached as" + " SASL_PLAINTEXT");
    }

    @Test
    void mskIamPropertiesMakeAWorkingClientConfiguration() throws Exception {
        // No MSK here: what is proven is that Kafka accepts the IAM login module and callback handler (the library is
        // on the class path and the properties are right), so the check fails only for want of a cluster.
        int port = freePort();
        KafkaSettings msk = KafkaSettings.secured("127.0.0.1:" + port, KafkaSecurity.awsMskIam());

        assertThatThrownBy(() -> KafkaAccess.verify(msk, Duration.ofSeconds(2)))
                .isInstanceOf(KafkaAccessException.class)
                .hasMessageStartingWith(
                        "Kafka at 127.0.0.1:" + port + " did not answer within 2 s (reached as SASL_SSL");
    }

    @Test
    void aCertificateTheClientDoesNotTrustIsATlsFailureInOneLine() throws Exception {
        // A TLS endpoint whose self-signed certificate is in no trust store: the handshake must fail, and say so.
        Path keystore = dir.resolve("self-signed.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "broker",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        keytool.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf =
                javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket)
                tls.getServerSocketFactory().createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(
                    () -> {
                        while (!server.isClosed()) {
                            try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) server.accept()) {
                                s.startHandshake();
                            } catch (java.io.IOException expected) {
                                // the client refuses the certificate, or the server socket closed
                            }
                        }
                    },
                    "tls-endpoint");
            acceptor.setDaemon(true);
            acceptor.start();
            KafkaSettings kafka = KafkaSettings.secured(
                    "127.0.0.1:" + server.getLocalPort(),
                    KafkaSecurity.fromSettings(
                            Map.of("kafka.security.protocol", "SASL_SSL", "kafka.sasl.mechanism", "PLAIN"),
                            env("PLAIN")));

            assertThatThrownBy(() -> KafkaAccess.verify(kafka, TIMEOUT))
                    .isInstanceOf(KafkaAccessException.class)
                    .hasMessage("Kafka at 127.0.0.1:" + server.getLocalPort() + ": the TLS handshake failed (does"
                            + " kafka.ssl.truststore.location trust the broker's certificate, and does the certificate"
                            + " name this host?)");
        }
    }

    static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static List<String> readCommitted(KafkaSettings kafka, String topic, int expected) throws Exception {
        Properties p = kafka.consumer(
                null,
                "auth-reader",
                Map.of(
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        List<String> got = new ArrayList<>();
        try (Admin admin = KafkaTopics.admin(kafka, "auth-reader-admin");
                KafkaConsumer<String, String> c =
                        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = KafkaTopics.partitions(admin, topic);
            c.assign(tps);
            c.seekToBeginning(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (got.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
            }
            // Anything past the expected count would be a duplicate or an aborted record showing through.
            c.poll(Duration.ofMillis(500)).forEach(r -> got.add(r.value()));
        }
        return got;
    }
}
