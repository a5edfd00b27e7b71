package dev.fraudplatform.ingress.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudplatform.core.ingress.QuarantineReason;
import dev.fraudplatform.core.json.CanonicalJson;
import org.junit.jupiter.api.Test;

/** A payload's schema verdict speaks of the payload: its field and what is wrong, never the validator's internals. */
class PayloadSchemasTest {
    private final PayloadSchemas schemas = PayloadSchemas.builtIn();

    private static ObjectNode payload() throws Exception {
        return (ObjectNode)
                CanonicalJson.EXACT_MAPPER.readTree("{\"account_id\":\"a-1\",\"amount_minor\":100,\"card_id\":\"c-1\","
                        + "\"channel\":\"CP\",\"currency\":\"EUR\",\"country\":\"DE\"}");
    }

    @Test
    void eachProblemNamesTheFieldAndWhatIsWrongInPlainWords() throws Exception {
        ObjectNode p = payload();
        p.put("amount_minor", "lots");
        p.put("currency", "euro");
        p.remove("card_id");

        PayloadSchemas.Verdict v = schemas.check("txn.authorization", 1, p);

        assertThat(v.reason()).isEqualTo(QuarantineReason.SCHEMA_INVALID);
        assertThat(v.detail())
                .contains("payload.amount_minor: must be integer, was string")
                .contains("payload.card_id: required")
                .contains("payload.currency: ")
                .doesNotContain("com.")
                .doesNotContain("networknt")
                .doesNotContain("Exception")
                .doesNotContain("$.")
                .doesNotContain("[Source");
    }

    @Test
    void unknownClassesAndVersionsSayWhatIsKnown() throws Exception {
        assertThat(schemas.check("txn.refund", 1, payload()).detail())
                .startsWith("no schema for event_class txn.refund; known: [");
        assertThat(schemas.check("txn.authorization", 7, payload()).detail())
                .isEqualTo("txn.authorization has no schema_version 7; known: [1]");
    }
}
