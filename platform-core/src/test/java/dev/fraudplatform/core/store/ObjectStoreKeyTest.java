package dev.fraudplatform.core.store;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectStoreKeyTest {

    @Test
    void acceptsWellFormedKeys() {
        for (String key : List.of(
                "oracle/w-1/views/day=2026-03-01/part-0000.jsonl",
                "a",
                "a/b/c",
                "manifest.json",
                "A_Z/0-9/x=y/.hidden",
                "a..b/c...d")) {
            assertThatCode(() -> ObjectStore.checkKey(key)).as(key).doesNotThrowAnyException();
        }
    }

    @Test
    void rejectsTraversalAbsoluteEmptyAndOddKeys() {
        for (String key : Arrays.asList(
                "../x",
                "x/..",
                "a/../b",
                "..",
                ".",
                "./a",
                "a/./b",
                "/x",
                "x/",
                "a//b",
                "/",
                "a b",
                "a\tb",
                "a\\b",
                "a:b",
                "a?b",
                "a*b",
                "caf\u00e9",
                "a\nb",
                "",
                null)) {
            assertThatThrownBy(() -> ObjectStore.checkKey(key))
                    .as(String.valueOf(key))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
