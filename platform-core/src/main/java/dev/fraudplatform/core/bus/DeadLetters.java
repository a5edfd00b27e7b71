package dev.fraudplatform.core.bus;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letter of a record a role could not process, on {@link Topics#DEAD_LETTERS}:
 * {@code {role, reason, topic, partition, offset, value}}, keyed by the record's key (or {@code topic-partition}).
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private DeadLetters() {}

    public static OutboundRecord of(String role, InboundRecord r, String reason, long now) {
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
