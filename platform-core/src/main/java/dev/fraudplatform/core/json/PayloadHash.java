package dev.fraudplatform.core.json;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The payload hash law: {@code payload_hash = "sha256:" + hex(SHA-256(canonical JSON of payload))}.
 * Two payloads that differ only in key order or in the spelling of a number hash the same; any change of
 * a value changes the hash.
 */
public final class PayloadHash {
    private PayloadHash() {}

    public static String of(JsonNode payload) {
        return Sha256.PREFIX + Sha256.hex(CanonicalJson.bytes(payload));
    }

    /** True when {@code text} is a well-formed payload hash ({@code sha256:} and 64 lowercase hex digits). */
    public static boolean wellFormed(String text) {
        if (text == null || text.length() != Sha256.PREFIX.length() + 64 || !text.startsWith(Sha256.PREFIX)) {
            return false;
        }
        for (int i = Sha256.PREFIX.length(); i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }
}
