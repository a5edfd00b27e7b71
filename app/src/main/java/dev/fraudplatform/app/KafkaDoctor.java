package dev.fraudplatform.app;

import dev.fraudplatform.substrate.kafka.KafkaAccess;
import dev.fraudplatform.substrate.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@link Doctor}'s Kafka lines: the cluster reached and authenticated, then the platform's topics held to the profile. */
final class KafkaDoctor {
    private KafkaDoctor() {}

    static List<Doctor.Finding> examine(PlatformConfig config, Duration timeout) {
        List<Doctor.Finding> out = new ArrayList<>();
        KafkaSettings kafka;
        try {
            kafka = Substrate.kafkaSettings(config);
        } catch (IllegalArgumentException e) {
            out.add(new Doctor.Finding("kafka", false, Fp.oneLine(e.getMessage())));
            return out;
        }
        Doctor.Finding reached = Doctor.probe(
                "kafka",
                () -> KafkaAccess.verify(kafka, timeout).line() + ", authenticated by "
                        + Substrate.kafkaSecurity(config).credentialSource());
        out.add(reached);
        if (!reached.ok()) return out;
        List<KafkaAccess.TopicExpectation> expected = new ArrayList<>();
        Substrate.expectedTopics(config.partitions())
                .forEach((topic, partitions) -> expected.add(KafkaAccess.TopicExpectation.platform(topic, partitions)));
        try {
            List<KafkaAccess.TopicCheck> checks = KafkaAccess.checkTopics(kafka, expected, timeout);
            List<KafkaAccess.TopicCheck> bad =
                    checks.stream().filter(c -> !c.ok()).toList();
            if (bad.isEmpty()) {
                out.add(new Doctor.Finding(
                        "topics",
                        true,
                        checks.size() + " platform topics present, " + config.partitions()
                                + " partition(s) each (the gate's relay 1), retention unlimited"));
            } else {
                bad.forEach(c -> out.add(new Doctor.Finding("topics", false, c.line())));
            }
        } catch (RuntimeException e) {
            out.add(new Doctor.Finding("topics", false, Fp.oneLine(e.getMessage())));
        }
        return out;
    }
}
