package dev.fraudplatform.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Why a text is not JSON, in words about the text, with where: never the parser's classes, features or source. */
class JsonProblemsTest {

    private static String describe(String text) {
        JsonProcessingException e =
                catchThrowableOfType(JsonProcessingException.class, () -> CanonicalJson.EXACT_MAPPER.readTree(text));
        assertThat(e).as("%s must not parse", text).isNotNull();
        return JsonProblems.describe(e);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "{\"event_id\": #}                | unexpected character '#' at column 14",
                "{\"a\": 1, \"a\": 2}             | duplicate field 'a' at column 13",
                "{\"a\": 1} {\"b\": 2}            | more than one JSON value at column 10",
                "{\"a\": nope}                    | unexpected word 'nope' at column 7",
                "{\"a\": [1, 2}                   | unexpected '}' at column 12",
                "{\"a\": \"x\\qy\"}               | unknown escape \\q in a string at column 10",
                "{\"a\": 01}                      | a number has leading zeroes at column 8",
            })
    void saysWhatIsWrongAndWhere(String text, String expected) {
        if (expected == null) return;
        assertThat(describe(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "{\"a\": 1",
                "{\"a\": \"open",
                "[1, 2",
                "{\"a\" 1}",
                "{\"a\": 1} [",
                "{\"a\": 1.2.3}",
                "{'a': 1}",
                "{\"a\": tru}",
                "{\"a\": -}",
            })
    void neverShowsTheParsersInternals(String text) {
        assertThat(describe(text))
                .isNotBlank()
                .doesNotContain("Source")
                .doesNotContain("com.")
                .doesNotContain("fasterxml")
                .doesNotContain("`")
                .doesNotContain("Exception")
                .doesNotContain("\n")
                .matches("[a-z].*");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"a\": 1      | unexpected end of input: an object is not closed",
                "[1, 2          | unexpected end of input: an array is not closed",
                "{\"a\": \"open | unexpected end of input: a string is not closed",
            })
    void anUnfinishedInputSaysWhatIsLeftOpen(String text, String expected) {
        assertThat(describe(text)).startsWith(expected);
    }

    @org.junit.jupiter.api.Test
    void aControlCharacterInAStringIsNamedByItsCodeAndWhereLinesCount() {
        assertThat(describe("{\"a\": \"x\ty\"}"))
                .isEqualTo("control character (code 9) in a string; escape it at column 9");
        assertThat(describe("{\n\"a\": #}")).isEqualTo("unexpected character '#' at line 2, column 6");
    }
}
