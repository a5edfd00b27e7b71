package dev.fraudplatform.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class PayloadHashTest {

    private static final String HEX64 = "0123456789abcdef".repeat(4);

    @Test
    void acceptsPrefixAnd64LowercaseHexDigits() {
        assertThat(PayloadHash.wellFormed("sha256:" + HEX64)).isTrue();
        assertThat(PayloadHash.wellFormed("sha256:" + "0".repeat(64))).isTrue();
        assertThat(PayloadHash.wellFormed("sha256:" + "f".repeat(64))).isTrue();
    }

    @Test
    void acceptsWhatPayloadHashOfProduces() {
        String h = PayloadHash.of(JsonNodeFactory.instance.objectNode().put("a", 1));
        assertThat(h).startsWith("sha256:").hasSize(71);
        assertThat(PayloadHash.wellFormed(h)).isTrue();
    }

    @Test
    void rejectsUppercaseHex() {
        assertThat(PayloadHash.wellFormed("sha256:" + HEX64.toUpperCase())).isFalse();
        assertThat(PayloadHash.wellFormed("sha256:" + "a".repeat(63) + "A")).isFalse();
        assertThat(PayloadHash.wellFormed("SHA256:" + HEX64)).isFalse();
    }

    @Test
    void rejectsWrongLength() {
        assertThat(PayloadHash.wellFormed("sha256:" + HEX64.substring(1))).isFalse();
        assertThat(PayloadHash.wellFormed("sha256:" + HEX64 + "0")).isFalse();
        assertThat(PayloadHash.wellFormed("sha256:")).isFalse();
        assertThat(PayloadHash.wellFormed("")).isFalse();
    }

    @Test
    void rejectsMissingOrWrongPrefix() {
        assertThat(PayloadHash.wellFormed(HEX64)).isFalse();
        // same total length as a good hash, but without the prefix
        assertThat(PayloadHash.wellFormed("0000000" + HEX64)).isFalse();
        assertThat(PayloadHash.wellFormed("sha512:" + HEX64)).isFalse();
        assertThat(PayloadHash.wellFormed("sha256-" + HEX64)).isFalse();
    }

    @Test
    void rejectsNonHexCharacters() {
        assertThat(PayloadHash.wellFormed("sha256:" + "g".repeat(64))).isFalse();
        assertThat(PayloadHash.wellFormed("sha256:" + HEX64.substring(1) + " ")).isFalse();
        assertThat(PayloadHash.wellFormed("sha256:" + HEX64.substring(1) + ":")).isFalse();
    }

    @Test
    void rejectsNull() {
        assertThat(PayloadHash.wellFormed(null)).isFalse();
    }
}
