package dev.fraudplatform.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.fraudplatform.core.ingress.DedupeTuple;
import dev.fraudplatform.core.json.CanonicalJson;
import dev.fraudplatform.core.json.PayloadHash;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EnvelopeValidatorTest {

    private static final Instant EVENT_TIME = Instant.parse("2026-03-02T14:07:31.250Z");
    private static final Instant EMITTED_AT = Instant.parse("2026-03-02T14:07:32.001Z");

    private final EnvelopeValidator validator = new EnvelopeValidator();

    private static ObjectNode payload() {
        ObjectNode p = CanonicalJson.EXACT_MAPPER.createObjectNode();
        p.put("card_id", "c-42");
        p.put("amount_minor", 12_345);
        p.put("currency", "EUR");
        p.putObject("merchant").put("mcc", "5411").put("country", "DE");
        p.putArray("flags").add("contactless").add("domestic");
        return p;
    }

    private static Envelope envelope() {
        return Envelope.of(
                "run-20260302-7f3a9c1e",
                "txn.authorisation",
                "evt-000001",
                1,
                EVENT_TIME,
                EMITTED_AT,
                "c-42",
                payload());
    }

    /** The wire tree of a good envelope, for tests that break one thing in it. */
    private static ObjectNode goodTree() throws Exception {
        return (ObjectNode) CanonicalJson.EXACT_MAPPER.readTree(envelope().toBytes());
    }

    private static byte[] bytes(JsonNode tree) throws Exception {
        return CanonicalJson.EXACT_MAPPER.writeValueAsBytes(tree);
    }

    private static Set<String> fields(EnvelopeValidator.Result r) {
        return r.problems().stream().map(FieldProblem::field).collect(Collectors.toSet());
    }

    private void assertSingleProblemOn(byte[] raw, String field) {
        EnvelopeValidator.Result r = validator.validate(raw);
        assertThat(r.valid()).isFalse();
        assertThat(r.envelope()).isEmpty();
        assertThat(r.problems())
                .as(new String(raw, StandardCharsets.ISO_8859_1))
                .hasSize(1);
        assertThat(r.problems().get(0).field()).isEqualTo(field);
    }

    // ---------------------------------------------------------------- the good case

    @Test
    void validEnvelopeValidatesAndRoundTrips() throws Exception {
        Envelope original = envelope();
        byte[] wire = original.toBytes();

        EnvelopeValidator.Result r = validator.validate(wire);

        assertThat(r.problems()).isEmpty();
        assertThat(r.valid()).isTrue();
        Envelope back = r.envelope().orElseThrow();
        assertThat(back.platformRunId()).isEqualTo("run-20260302-7f3a9c1e");
        assertThat(back.eventClass()).isEqualTo("txn.authorisation");
        assertThat(back.eventId()).isEqualTo("evt-000001");
        assertThat(back.schemaVersion()).isEqualTo(1);
        assertThat(back.eventTime()).isEqualTo(EVENT_TIME);
        assertThat(back.emittedAt()).isEqualTo(EMITTED_AT);
        assertThat(back.partitionKey()).isEqualTo("c-42");
        assertThat(back.payloadHash()).isEqualTo(original.payloadHash());
        assertThat(CanonicalJson.string(back.payload())).isEqualTo(CanonicalJson.string(original.payload()));
        assertThat(back.payloadHashMatches()).isTrue();
        assertThat(back.dedupeTuple())
                .isEqualTo(new DedupeTuple("run-20260302-7f3a9c1e", "txn.authorisation", "evt-000001"));
        assertThat(back.payloadText("currency")).isEqualTo("EUR");
        assertThat(back.payloadText("amount_minor")).isNull();
        assertThat(back.payloadText("absent")).isNull();
        // the wire form is canonical, so re-serialising gives identical bytes
        assertThat(back.toBytes()).isEqualTo(wire);
    }

    @Test
    void wireFormUsesContractFieldNamesAndTimeFormat() throws Exception {
        ObjectNode tree = goodTree();
        assertThat(tree.get("event_time").textValue()).isEqualTo("2026-03-02T14:07:31.250Z");
        assertThat(tree.get("emitted_at").textValue()).isEqualTo("2026-03-02T14:07:32.001Z");
        assertThat(tree.get("schema_version").intValue()).isEqualTo(1);
        assertThat(tree.get("payload_hash").textValue()).isEqualTo(PayloadHash.of(payload()));
        List<String> names = iterable(tree.fieldNames());
        assertThat(names)
                .containsExactly(
                        "emitted_at",
                        "event_class",
                        "event_id",
                        "event_time",
                        "partition_key",
                        "payload",
                        "payload_hash",
                        "platform_run_id",
                        "schema_version");
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void payloadKeyOrderAndNumberSpellingOnTheWireStillMatchTheHash() throws Exception {
        String hash = envelope().payloadHash();
        String wire =
                "{\"payload\":{\"flags\":[\"contactless\",\"domestic\"],\"merchant\":{\"country\":\"DE\",\"mcc\":\"5411\"},"
                        + "\"amount_minor\":1.2345e4,\"currency\":\"EUR\",\"card_id\":\"c-42\"},"
                        + "\"payload_hash\":\"" + hash + "\",\"schema_version\":1,\"event_id\":\"evt-000001\","
                        + "\"event_class\":\"txn.authorisation\",\"platform_run_id\":\"run-20260302-7f3a9c1e\","
                        + "\"partition_key\":\"c-42\",\"event_time\":\"2026-03-02T14:07:31.250Z\",\"emitted_at\":\"2026-03-02T14:07:32.001Z\"}";
        Envelope e = validator
                .validate(wire.getBytes(StandardCharsets.UTF_8))
                .envelope()
                .orElseThrow();
        assertThat(e.payloadHashMatches()).isTrue();
    }

    // ---------------------------------------------------------------- whole-document failures

    @Test
    void truncatedJsonIsOneProblemOnTheDocument() {
        byte[] wire = envelope().toBytes();
        assertSingleProblemOn(Arrays.copyOf(wire, wire.length / 2), "$");
        assertSingleProblemOn(Arrays.copyOf(wire, wire.length - 1), "$");
    }

    @Test
    void invalidUtf8IsOneProblemOnTheDocument() {
        byte[] raw = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertSingleProblemOn(raw, "$");
        assertThat(validator.validate(raw).problems().get(0).problem()).contains("UTF-8");
        assertSingleProblemOn(new byte[] {(byte) 0xC3, (byte) 0x28}, "$");
    }

    @Test
    void jsonArrayIsOneProblemOnTheDocument() throws Exception {
        assertSingleProblemOn("[1,2,3]".getBytes(StandardCharsets.UTF_8), "$");
        byte[] arrayOfEnvelope =
                ("[" + new String(envelope().toBytes(), StandardCharsets.UTF_8) + "]").getBytes(StandardCharsets.UTF_8);
        assertSingleProblemOn(arrayOfEnvelope, "$");
        assertSingleProblemOn("\"text\"".getBytes(StandardCharsets.UTF_8), "$");
        assertSingleProblemOn("null".getBytes(StandardCharsets.UTF_8), "$");
    }

    @Test
    void emptyInputIsOneProblemOnTheDocument() {
        assertSingleProblemOn(new byte[0], "$");
        assertSingleProblemOn("   \n".getBytes(StandardCharsets.UTF_8), "$");
    }

    @Test
    void trailingContentAfterTheEnvelopeIsOneProblemOnTheDocument() {
        String wire = new String(envelope().toBytes(), StandardCharsets.UTF_8);
        assertSingleProblemOn((wire + " {}").getBytes(StandardCharsets.UTF_8), "$");
        assertSingleProblemOn((wire + "]").getBytes(StandardCharsets.UTF_8), "$");
        assertSingleProblemOn((wire + wire).getBytes(StandardCharsets.UTF_8), "$");
    }

    @Test
    void duplicateTopLevelKeyIsOneProblemOnTheDocument() {
        String wire = new String(envelope().toBytes(), StandardCharsets.UTF_8);
        String dup = "{\"event_id\":\"evt-other\"," + wire.substring(1);
        assertSingleProblemOn(dup.getBytes(StandardCharsets.UTF_8), "$");
    }

    // ---------------------------------------------------------------- field failures

    @Test
    void reportsEveryMissingFieldByName() throws Exception {
        ObjectNode tree = goodTree();
        tree.remove(List.of("event_id", "schema_version", "payload_hash", "emitted_at", "payload"));

        EnvelopeValidator.Result r = validator.validate(bytes(tree));

        assertThat(r.valid()).isFalse();
        assertThat(fields(r))
                .containsExactlyInAnyOrder("event_id", "schema_version", "payload_hash", "emitted_at", "payload");
        assertThat(r.problems())
                .hasSize(5)
                .allSatisfy(p -> assertThat(p.problem()).isEqualTo("required"));
    }

    @Test
    void emptyObjectReportsAllNineFields() {
        EnvelopeValidator.Result r = validator.validate("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(fields(r))
                .containsExactlyInAnyOrder(
                        "platform_run_id",
                        "event_class",
                        "event_id",
                        "schema_version",
                        "event_time",
                        "emitted_at",
                        "partition_key",
                        "payload",
                        "payload_hash");
        assertThat(r.problems()).hasSize(9);
    }

    @Test
    void nullValuedFieldsCountAsMissing() throws Exception {
        ObjectNode tree = goodTree();
        tree.putNull("platform_run_id");
        tree.putNull("payload");
        EnvelopeValidator.Result r = validator.validate(bytes(tree));
        assertThat(fields(r)).containsExactlyInAnyOrder("platform_run_id", "payload");
    }

    private void assertOnlyFieldWrong(String field, JsonNode value) throws Exception {
        ObjectNode tree = goodTree();
        tree.set(field, value);
        EnvelopeValidator.Result fromBytes = validator.validate(bytes(tree));
        assertThat(fromBytes.valid()).as("%s = %s", field, value).isFalse();
        assertThat(fromBytes.problems()).as("%s = %s", field, value).hasSize(1);
        assertThat(fromBytes.problems().get(0).field()).isEqualTo(field);
        // the tree entry point agrees with the bytes entry point
        assertThat(validator.validate(tree).problems()).isEqualTo(fromBytes.problems());
    }

    @Test
    void wrongTypesNameTheirField() throws Exception {
        var f = CanonicalJson.EXACT_MAPPER.getNodeFactory();
        assertOnlyFieldWrong("schema_version", TextNode.valueOf("1"));
        assertOnlyFieldWrong("schema_version", f.numberNode(0));
        assertOnlyFieldWrong("schema_version", f.numberNode(-3));
        assertOnlyFieldWrong("schema_version", f.numberNode(new java.math.BigDecimal("1.5")));
        assertOnlyFieldWrong("schema_version", f.numberNode(new java.math.BigInteger("99999999999999999999")));
        assertOnlyFieldWrong("event_time", TextNode.valueOf("2026-03-02T14:07:31Z"));
        assertOnlyFieldWrong("event_time", TextNode.valueOf("2026-03-02T15:07:31.250+01:00"));
        assertOnlyFieldWrong("event_time", f.numberNode(1_772_460_451_250L));
        // Found by the gate's fuzz test: a year-26 time is ISO-8601, but no bus can carry its negative timestamp.
        assertOnlyFieldWrong("event_time", TextNode.valueOf("0026-03-02T14:07:31.250Z"));
        // Found in review: PostgreSQL text cannot hold U+0000, and one such key would fail a whole admission group.
        assertOnlyFieldWrong("partition_key", TextNode.valueOf("acct-\u00001"));
        assertOnlyFieldWrong("emitted_at", TextNode.valueOf("2026-03-02 14:07:32.001Z"));
        assertOnlyFieldWrong("payload", TextNode.valueOf("{\"card_id\":\"c-42\"}"));
        assertOnlyFieldWrong("payload", f.arrayNode().add(1));
        assertOnlyFieldWrong(
                "payload_hash", TextNode.valueOf(envelope().payloadHash().toUpperCase()));
        assertOnlyFieldWrong(
                "payload_hash", TextNode.valueOf(envelope().payloadHash().substring(7)));
        assertOnlyFieldWrong("payload_hash", f.numberNode(1));
        assertOnlyFieldWrong("platform_run_id", f.numberNode(7));
        assertOnlyFieldWrong("platform_run_id", TextNode.valueOf("run with spaces"));
        assertOnlyFieldWrong("event_class", TextNode.valueOf("TXN"));
        assertOnlyFieldWrong("event_class", TextNode.valueOf("txn"));
        assertOnlyFieldWrong("event_id", TextNode.valueOf(""));
        assertOnlyFieldWrong("event_id", TextNode.valueOf("e".repeat(EnvelopeValidator.MAX_ID_LENGTH + 1)));
        assertOnlyFieldWrong("partition_key", f.booleanNode(true));
        assertOnlyFieldWrong("partition_key", TextNode.valueOf("k".repeat(EnvelopeValidator.MAX_ID_LENGTH + 1)));
    }

    @Test
    void longestAllowedIdentifierIsAccepted() throws Exception {
        ObjectNode tree = goodTree();
        tree.put("event_id", "e".repeat(EnvelopeValidator.MAX_ID_LENGTH));
        assertThat(validator.validate(bytes(tree)).valid()).isTrue();
    }

    @Test
    void unexpectedTopLevelFieldIsReportedByName() throws Exception {
        ObjectNode tree = goodTree();
        tree.put("trace_id", "abc");
        EnvelopeValidator.Result r = validator.validate(bytes(tree));
        assertThat(r.valid()).isFalse();
        assertThat(r.problems()).hasSize(1);
        assertThat(r.problems().get(0).field()).isEqualTo("trace_id");
        assertThat(r.problems().get(0).problem()).contains("unexpected");
    }

    @Test
    void unexpectedAndMissingAndWrongAreAllReportedTogether() throws Exception {
        ObjectNode tree = goodTree();
        tree.put("extra", 1);
        tree.remove("event_class");
        tree.put("schema_version", "1");
        EnvelopeValidator.Result r = validator.validate(bytes(tree));
        assertThat(fields(r)).containsExactlyInAnyOrder("extra", "event_class", "schema_version");
    }

    @Test
    void extraFieldsInsideThePayloadAreNotTheValidatorsBusiness() throws Exception {
        ObjectNode tree = goodTree();
        ((ObjectNode) tree.get("payload")).put("anything", "goes");
        EnvelopeValidator.Result r = validator.validate(bytes(tree));
        assertThat(r.valid()).isTrue();
        // ... but the hash no longer matches, which the gate must receipt
        assertThat(r.envelope().orElseThrow().payloadHashMatches()).isFalse();
    }

    @Test
    void payloadHashMatchesIsFalseAfterThePayloadIsAltered() throws Exception {
        ObjectNode tree = goodTree();
        ((ObjectNode) tree.get("payload")).put("amount_minor", 12_346);
        Envelope tampered = validator.validate(bytes(tree)).envelope().orElseThrow();
        assertThat(tampered.payloadHashMatches()).isFalse();
        assertThat(tampered.computedPayloadHash()).isNotEqualTo(tampered.payloadHash());

        Envelope e = envelope();
        assertThat(e.payloadHashMatches()).isTrue();
        ((ObjectNode) e.payload().get("merchant")).put("country", "FR");
        assertThat(e.payloadHashMatches()).isFalse();
    }

    @Test
    void resultCarriesTheParsedTreeWhenThereIsOne() throws Exception {
        ObjectNode tree = goodTree();
        tree.remove("event_id");
        assertThat(validator.validate(bytes(tree)).tree()).isEqualTo(tree);
        assertThat(validator.validate("{".getBytes(StandardCharsets.UTF_8)).tree())
                .isNull();
    }

    // ---------------------------------------------------------------- Times

    @Test
    void timesParseAcceptsOnlyUtcWithExactlyThreeFractionDigits() {
        assertThat(Times.parse("2026-03-02T14:07:31.250Z")).contains(Instant.parse("2026-03-02T14:07:31.250Z"));
        assertThat(Times.parse("2026-03-02T00:00:00.000Z")).contains(Instant.parse("2026-03-02T00:00:00Z"));
        assertThat(Times.parse("2024-02-29T23:59:59.999Z")).contains(Instant.parse("2024-02-29T23:59:59.999Z"));

        List<String> refused = List.of(
                "2026-03-02T14:07:31Z", // no millis
                "2026-03-02T14:07:31.25Z", // two digits
                "2026-03-02T14:07:31.2500Z", // four digits
                "2026-03-02T14:07:31.250", // local time
                "2026-03-02T14:07:31.250z", // lowercase zone
                "2026-03-02T14:07:31.250+00:00", // offset, even a zero one
                "2026-03-02T15:07:31.250+01:00",
                "2026-03-02 14:07:31.250Z", // space
                "2026-3-02T14:07:31.250Z",
                "20260302T140731.250Z",
                " 2026-03-02T14:07:31.250Z",
                "2026-03-02T14:07:31.250Z ",
                "2026-13-02T14:07:31.250Z", // month 13
                "2026-03-32T14:07:31.250Z",
                "2026-02-30T14:07:31.250Z", // no such day
                "2025-02-29T14:07:31.250Z", // not a leap year
                "2026-04-31T14:07:31.250Z",
                "2026-03-01T24:00:00.000Z", // end-of-day hour
                "2026-03-02T14:60:31.250Z",
                "2026-03-02T23:59:60.000Z", // leap second
                "+026-03-02T14:07:31.250Z",
                "",
                "garbage");
        for (String s : refused) {
            assertThat(Times.parse(s)).as(s).isEmpty();
        }
        assertThat(Times.parse(null)).isEmpty();
    }

    @Test
    void timesFormatAlwaysWritesThreeFractionDigitsInUtc() {
        assertThat(Times.format(Instant.parse("2026-03-02T14:07:31Z"))).isEqualTo("2026-03-02T14:07:31.000Z");
        assertThat(Times.format(Instant.parse("2026-03-02T14:07:31.2Z"))).isEqualTo("2026-03-02T14:07:31.200Z");
        assertThat(Times.format(Instant.parse("2026-03-02T14:07:31.250999Z"))).isEqualTo("2026-03-02T14:07:31.250Z");
        assertThat(Times.formatMillis(0)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(Times.formatMillis(1_772_460_451_250L)).isEqualTo("2026-03-02T14:07:31.250Z");
    }

    @Test
    void timesFormatAndParseRoundTrip() {
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 500; i++) {
            long millis = Math.floorMod(r.nextLong(), 253_402_300_799_999L); // up to 9999-12-31T23:59:59.999Z
            String text = Times.formatMillis(millis);
            assertThat(text).hasSize(24);
            assertThat(Times.parse(text)).as(text).contains(Instant.ofEpochMilli(millis));
        }
    }

    @Test
    void composedCanonicalBytesEqualTheTreeBuiltOnes() {
        com.fasterxml.jackson.databind.node.ObjectNode payload = dev.fraudplatform.core.json.Json.MAPPER
                .createObjectNode()
                .put("z", "last")
                .put("a", 12)
                .put("quote", "say \"hi\"\n");
        java.time.Instant t = java.time.Instant.parse("2026-03-02T14:07:31.250Z");
        java.time.Instant emitted = java.time.Instant.parse("2026-11-25T21:40:02.118Z");
        byte[] tree = Envelope.of("run-1", "txn.authorization", "w-t1", 1, t, emitted, "acct-1", payload)
                .toBytes();
        byte[] composed = Envelope.canonicalBytes(
                "run-1",
                "txn.authorization",
                "w-t1",
                1,
                Times.format(t),
                Times.format(emitted),
                "acct-1",
                dev.fraudplatform.core.json.CanonicalJson.string(payload));
        org.assertj.core.api.Assertions.assertThat(new String(composed, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(new String(tree, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void numbersWithNoCanonicalFormAreProblemsNotCrashes() {
        EnvelopeValidator v = new EnvelopeValidator();
        String base = new String(
                Envelope.of(
                                "run-1",
                                "txn.authorization",
                                "e1",
                                1,
                                java.time.Instant.parse("2026-03-02T14:07:31.250Z"),
                                java.time.Instant.parse("2026-03-02T14:07:31.250Z"),
                                "acct-1",
                                dev.fraudplatform.core.json.Json.MAPPER
                                        .createObjectNode()
                                        .put("amount_minor", 100))
                        .toBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        EnvelopeValidator.Result huge =
                v.validate(base.replace("\"amount_minor\":100", "\"amount_minor\":100e2147483647")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        org.assertj.core.api.Assertions.assertThat(huge.valid()).isFalse();
        org.assertj.core.api.Assertions.assertThat(huge.problems())
                .extracting(FieldProblem::field)
                .contains("payload");
        EnvelopeValidator.Result tiny =
                v.validate(base.replace("\"amount_minor\":100", "\"amount_minor\":1e-2147483648")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        org.assertj.core.api.Assertions.assertThat(tiny.valid()).isFalse();
        org.assertj.core.api.Assertions.assertThat(tiny.problems())
                .extracting(FieldProblem::field)
                .containsExactly("$");
    }

    @Test
    void theValidatorReportsTheHashThePayloadActuallyHas() {
        EnvelopeValidator v = new EnvelopeValidator();
        Envelope honest = Envelope.of(
                "run-1",
                "txn.authorization",
                "e1",
                1,
                java.time.Instant.parse("2026-03-02T14:07:31.250Z"),
                java.time.Instant.parse("2026-03-02T14:07:31.250Z"),
                "acct-1",
                dev.fraudplatform.core.json.Json.MAPPER.createObjectNode().put("amount_minor", 100));
        org.assertj.core.api.Assertions.assertThat(v.validate(honest.toBytes()).computedPayloadHash())
                .isEqualTo(honest.payloadHash());
        com.fasterxml.jackson.databind.node.ObjectNode lying = honest.toJson();
        ((com.fasterxml.jackson.databind.node.ObjectNode) lying.get("payload")).put("amount_minor", 5);
        EnvelopeValidator.Result r = v.validate(dev.fraudplatform.core.json.CanonicalJson.bytes(lying));
        org.assertj.core.api.Assertions.assertThat(r.valid()).isTrue();
        org.assertj.core.api.Assertions.assertThat(r.computedPayloadHash())
                .isNotEqualTo(honest.payloadHash())
                .isEqualTo(r.envelope().orElseThrow().computedPayloadHash());
    }

    @Test
    void aMalformedInputIsDescribedInWordsAboutTheInput() {
        String text = "{\"platform_run_id\": @run-1}";
        EnvelopeValidator.Result r = validator.validate(text.getBytes(StandardCharsets.UTF_8));
        assertThat(r.problems()).hasSize(1);
        assertThat(r.problems().get(0).field()).isEqualTo("$");
        assertThat(r.problems().get(0).problem())
                .isEqualTo("the input is not JSON: unexpected character '@' at column 21");

        String truncated = validator
                .validate("{\"platform_run_id\": \"run-1\"".getBytes(StandardCharsets.UTF_8))
                .problems()
                .get(0)
                .problem();
        assertThat(truncated)
                .startsWith("the input is not JSON: unexpected end of input: an object is not closed")
                .doesNotContain("Source")
                .doesNotContain("com.fasterxml")
                .doesNotContain("Exception");
        String twoValues = validator
                .validate("{} {}".getBytes(StandardCharsets.UTF_8))
                .problems()
                .get(0)
                .problem();
        assertThat(twoValues)
                .isEqualTo("the input is not JSON: more than one JSON value at column 4")
                .doesNotContain("`");
    }
}
