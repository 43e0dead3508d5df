package dev.sluice.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.sluice.api.Json;
import dev.sluice.eval.Assertion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Checks on the answer's text, as promptfoo defines them: {@code equals} (text, or JSON equality
 * when the value is an object or list), {@code contains}/{@code icontains}, the {@code -any} and
 * {@code -all} forms over a list of values, {@code starts-with} and {@code regex}. Regexes run on
 * RE2/J: linear time whatever the pattern and the answer, so a suite cannot hang a run.
 */
final class TextScorers {
    private TextScorers() {}

    static void register(Map<String, Scorers.Factory> map) {
        map.put("equals", TextScorers::equalsScorer);
        map.put("contains", a -> substring(a, false));
        map.put("icontains", a -> substring(a, true));
        map.put("contains-any", a -> several(a, false, false));
        map.put("icontains-any", a -> several(a, true, false));
        map.put("contains-all", a -> several(a, false, true));
        map.put("icontains-all", a -> several(a, true, true));
        map.put("starts-with", a -> {
            String prefix = required(a);
            return (answer, ctx) -> Score.of(answer.text().startsWith(prefix), "Starts with \"" + prefix + "\"",
                    "Expected the answer to start with \"" + prefix + "\"" + excerpt(answer));
        });
        map.put("regex", TextScorers::regex);
    }

    private static Scorer equalsScorer(Assertion a) {
        JsonNode value = a.value();
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("'equals' needs a value");
        }
        if (value.isContainerNode()) {
            return (answer, ctx) -> {
                JsonNode parsed = parseOrNull(answer.text());
                return Score.of(value.equals(parsed), "The answer is the expected JSON",
                        "Expected the JSON " + value + excerpt(answer));
            };
        }
        String expected = value.asText();
        return (answer, ctx) -> Score.of(answer.text().equals(expected), "The answer equals the expected text",
                "Expected \"" + expected + "\"" + excerpt(answer));
    }

    private static Scorer substring(Assertion a, boolean ignoreCase) {
        String needle = required(a);
        String lowered = needle.toLowerCase(Locale.ROOT);
        return (answer, ctx) -> {
            boolean found = ignoreCase ? answer.text().toLowerCase(Locale.ROOT).contains(lowered)
                    : answer.text().contains(needle);
            return Score.of(found, "Contains \"" + needle + "\"", "Expected the answer to contain \"" + needle + "\""
                    + (ignoreCase ? " (any case)" : "") + excerpt(answer));
        };
    }

    private static Scorer several(Assertion a, boolean ignoreCase, boolean all) {
        List<String> needles = list(a);
        BiPredicate<String, String> contains = ignoreCase
                ? (text, n) -> text.toLowerCase(Locale.ROOT).contains(n.toLowerCase(Locale.ROOT))
                : String::contains;
        return (answer, ctx) -> {
            List<String> found = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String n : needles) {
                (contains.test(answer.text(), n) ? found : missing).add(n);
            }
            boolean pass = all ? missing.isEmpty() : !found.isEmpty();
            return Score.of(pass, all ? "Contains all of " + needles : "Contains " + found,
                    (all ? "Missing " + missing : "Contains none of " + needles) + excerpt(answer));
        };
    }

    private static Scorer regex(Assertion a) {
        String source = required(a);
        Pattern pattern;
        try {
            pattern = Pattern.compile(source);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + source + "' is not a valid regular expression (" + e.getDescription()
                    + "); patterns are RE2 syntax: no backreferences or lookaround");
        }
        return (answer, ctx) -> Score.of(pattern.matcher(answer.text()).find(), "Matches /" + source + "/",
                "Expected the answer to match /" + source + "/" + excerpt(answer));
    }

    static String required(Assertion a) {
        String text = a.valueText();
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("'" + a.label() + "' needs a value");
        }
        return text;
    }

    /** A list value, or promptfoo's comma-separated string. */
    private static List<String> list(Assertion a) {
        JsonNode value = a.value();
        List<String> out = new ArrayList<>();
        if (value != null && value.isArray()) {
            value.forEach(v -> out.add(v.asText()));
        } else if (value != null && value.isTextual()) {
            for (String part : value.asText().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("'" + a.label() + "' needs a list of values");
        }
        return List.copyOf(out);
    }

    static JsonNode parseOrNull(String text) {
        try {
            return Json.MAPPER.readTree(text.strip());
        } catch (Exception e) {
            return null;
        }
    }

    /** ": got \"...\"" with the answer's start, for failure reasons. */
    static String excerpt(Answer answer) {
        String t = answer.text().replace('\n', ' ');
        return ", got \"" + (t.length() > 120 ? t.substring(0, 117) + "..." : t) + "\"";
    }
}
