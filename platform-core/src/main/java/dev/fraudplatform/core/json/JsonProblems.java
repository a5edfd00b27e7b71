package dev.fraudplatform.core.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a text is not JSON, in words about the input: what was found and where ("unexpected character 'x' at column
 * 17"). Never the parser's own text, which names its classes, its features and its source ({@code [Source: ...]}):
 * these words reach producers in quarantine receipts and people on the command line. Stateless.
 */
public final class JsonProblems {
    private JsonProblems() {}

    private static final Pattern UNEXPECTED_CHAR =
            Pattern.compile("^Unexpected character \\('(.*?)' \\(code (\\d+)\\)\\)", Pattern.DOTALL);
    private static final Pattern CONTROL_CHAR = Pattern.compile("\\(CTRL-CHAR, code (\\d+)\\)");
    private static final Pattern UNRECOGNIZED_TOKEN = Pattern.compile("^Unrecognized token '(.{0,40})");
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate (?:field|Object property) '(.{0,80}?)'");
    private static final Pattern CLOSE_MARKER = Pattern.compile("^Unexpected close marker '(.)'");
    private static final Pattern ESCAPE = Pattern.compile("^Unrecognized character escape '(.)'");
    private static final Pattern TOO_LONG =
            Pattern.compile("^(\\w+)(?: value)? length \\((\\d+)\\) exceeds the maximum(?: allowed)? \\((\\d+)");
    private static final Pattern TOO_DEEP =
            Pattern.compile("nesting depth \\((\\d+)\\) exceeds the maximum(?: allowed)? \\((\\d+)");

    /** What is wrong, then where: e.g. "unexpected character 'x' at column 17", "an object is not closed at line 2, column 5". */
    public static String describe(JsonProcessingException e) {
        String what = what(e.getOriginalMessage() == null ? "" : e.getOriginalMessage());
        return what + where(e.getLocation());
    }

    static String what(String m) {
        Matcher x;
        if (m.startsWith("Unexpected end-of-input")) {
            if (m.contains("close marker for Object") || m.contains("in field name"))
                return "unexpected end of input: an object is not closed";
            if (m.contains("close marker for Array")) return "unexpected end of input: an array is not closed";
            if (m.contains("closing quote")) return "unexpected end of input: a string is not closed";
            return "unexpected end of input";
        }
        if (m.startsWith("No content to map") || m.startsWith("No content")) return "empty input";
        if (m.startsWith("Trailing token")) return "more than one JSON value";
        if ((x = DUPLICATE.matcher(m)).find()) return "duplicate field '" + x.group(1) + "'";
        if ((x = CONTROL_CHAR.matcher(m)).find()) {
            return m.startsWith("Illegal unquoted character")
                    ? "control character (code " + x.group(1) + ") in a string; escape it"
                    : "unexpected control character (code " + x.group(1) + ")";
        }
        if ((x = UNEXPECTED_CHAR.matcher(m)).find()) return "unexpected character '" + x.group(1) + "'";
        if ((x = UNRECOGNIZED_TOKEN.matcher(m)).find())
            return "unexpected word '" + x.group(1).replaceFirst("'.*", "") + "'";
        if ((x = CLOSE_MARKER.matcher(m)).find()) return "unexpected '" + x.group(1) + "'";
        if ((x = ESCAPE.matcher(m)).find()) return "unknown escape \\" + x.group(1) + " in a string";
        if ((x = TOO_LONG.matcher(m)).find()) {
            return "a " + x.group(1).toLowerCase(Locale.ROOT) + " of " + x.group(2) + " characters is longer than the "
                    + x.group(3) + " allowed";
        }
        if ((x = TOO_DEEP.matcher(m)).find())
            return "nested " + x.group(1) + " deep, more than the " + x.group(2) + " allowed";
        if (m.contains("Leading zeroes")) return "a number has leading zeroes";
        if (m.startsWith("Invalid numeric value") || m.startsWith("Numeric value")) return "a number is not valid JSON";
        return plain(m);
    }

    /** The parser's first clause with its internals removed, as a last resort. */
    static String plain(String m) {
        String s = m.replaceAll("\\[Source:.*?\\]", "")
                .replaceAll("`[^`]*`", "")
                .replaceAll("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*\\b", "")
                .replaceAll("\\s+", " ")
                .trim();
        int cut = s.indexOf(':');
        if (cut > 0) s = s.substring(0, cut);
        s = s.replaceAll("\\s*\\([^)]*$", "").replaceAll("[\\s(,]+$", "").trim();
        if (s.isEmpty()) return "not valid JSON";
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static String where(JsonLocation at) {
        if (at == null || at.getLineNr() < 1 || at.getColumnNr() < 1) return "";
        return at.getLineNr() == 1
                ? " at column " + at.getColumnNr()
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
