package dev.fraudplatform.rtdl.roles;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.bus.Topics;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The dead letter of a record a role could not process: {@code {role, reason, topic, partition, offset, value}}. */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private DeadLetters() {}

    public static OutboundRecord of(String role, ConsumerRecord<String, byte[]> r, String reason, long now) {
        LOG.error("{} dead-letters {}-{}@{}: {}", role, r.topic(), r.partition(), r.offset(), reason);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("role", role);
        o.put("reason", reason);
        o.put("topic", r.topic()).put("partition", r.partition()).put("offset", r.offset());
        o.put("value", new String(r.value() == null ? new byte[0] : r.value(), StandardCharsets.UTF_8));
        String key = r.key() == null ? r.topic() + "-" + r.partition() : r.key();
        return new OutboundRecord(Topics.DEAD_LETTERS, key, CanonicalJson.bytes(o), now, Map.of());
    }
}
