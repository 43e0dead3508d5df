package dev.sluice.eval;

import dev.sluice.api.Json;
import dev.sluice.config.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tests as a CSV table, promptfoo's way: a header row; each column is a variable except
 * {@code __expected} (and {@code __expected1}, {@code __expected2}...), which holds a check written
 * {@code type(threshold):value} ({@code contains:Paris}, {@code not-icontains:sorry},
 * {@code similar(0.8):a hot day}, {@code grade:is polite}; a bare value means {@code equals}),
 * {@code __description}, {@code __threshold} and {@code __metric}.
 */
final class TestTables {
    /** Parses config-authored text only (the CSV's own cells), never a model's answer. */
    private static final Pattern EXPECTED = Pattern.compile(
            "^(not-)?([a-z][a-z-]*)(?:\\(([0-9.]+)\\))?(?::([\\s\\S]*))?$");

    private TestTables() {}

    static List<TestCase> csv(String text, String file, SuiteLoader loader) {
        List<List<String>> rows = parse(text, file);
        if (rows.isEmpty()) {
            return List.of();
        }
        List<String> header = rows.getFirst();
        List<TestCase> out = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() == 1 && row.getFirst().isBlank()) {
                continue;
            }
            String where = file + ":" + (r + 1);
            if (row.size() > header.size()) {
                throw new ConfigException(where + ": the row has " + row.size() + " cells but the header " + header.size()
                        + ". Fix: quote cells that contain commas");
            }
            Map<String, Object> vars = new LinkedHashMap<>();
            List<Assertion> asserts = new ArrayList<>();
            String description = null;
            Double threshold = null;
            String metric = null;
            for (int c = 0; c < header.size(); c++) {
                String column = header.get(c).strip();
                String cell = c < row.size() ? row.get(c) : "";
                if (column.startsWith("__expected")) {
                    if (!cell.isBlank()) {
                        asserts.add(expected(cell, where, loader));
                    }
                } else if (column.equals("__description")) {
                    description = cell;
                } else if (column.equals("__threshold")) {
                    threshold = cell.isBlank() ? null : number(cell, where);
                } else if (column.equals("__metric")) {
                    metric = cell.isBlank() ? null : cell;
                } else if (column.startsWith("__")) {
                    throw new ConfigException(where + ": unsupported column '" + column
                            + "'. Fix: use __expected, __description, __threshold or __metric");
                } else {
                    vars.put(column, cell);
                }
            }
            if (metric != null) {
                String m = metric;
                asserts.replaceAll(a -> new Assertion(a.type(), a.negated(), a.value(), a.threshold(), a.weight(), m,
                        a.provider(), a.rubricPrompt(), a.where()));
            }
            out.add(new TestCase(description, vars, asserts, threshold, Map.of(), where));
        }
        return out;
    }

    /** One {@code __expected} cell as an assertion. */
    static Assertion expected(String cell, String where, SuiteLoader loader) {
        String c = cell.strip();
        for (String prefix : List.of("javascript:", "fn:", "eval:", "python:", "file://")) {
            if (c.startsWith(prefix)) {
                throw new ConfigException(where + ": '" + prefix + "' checks run code, which sluice eval does not. Fix: use "
                        + "contains, regex, is-json, similar or llm-rubric");
            }
        }
        if (c.startsWith("grade:")) {
            c = "llm-rubric:" + c.substring("grade:".length());
        }
        Matcher m = EXPECTED.matcher(c);
        String type = "equals";
        boolean negated = false;
        Double threshold = null;
        String value = cell;
        if (m.matches() && loader.knows(m.group(2)) && (m.group(4) != null || m.group(3) != null || isBare(m.group(2)))) {
            negated = m.group(1) != null;
            type = m.group(2);
            threshold = m.group(3) == null ? null : number(m.group(3), where);
            value = m.group(4) == null ? null : m.group(4).strip();
        } else if (c.startsWith("equals:")) {
            value = c.substring("equals:".length());
        }
        Assertion a = new Assertion(type, negated, value == null ? null : Json.NODES.textNode(value), threshold, 1, null,
                null, null, where);
        loader.check(a, where);
        return a;
    }

    /** Types written without a value ({@code is-json}). */
    private static boolean isBare(String type) {
        return type.equals("is-json") || type.equals("contains-json") || type.equals("is-valid-openai-tools-call");
    }

    private static double number(String text, String where) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": '" + text + "' is not a number");
        }
    }

    /** RFC 4180: commas, double quotes ("" inside quotes), line breaks inside quotes. */
    static List<List<String>> parse(String text, String file) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        int i = text.startsWith("\uFEFF") ? 1 : 0;
        for (; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"' && cell.isEmpty()) {
                quoted = true;
            } else if (ch == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                cell.append(ch);
            }
        }
        if (quoted) {
            throw new ConfigException(file + ": a quoted cell is never closed");
        }
        if (!cell.isEmpty() || !row.isEmpty()) {
            row.add(cell.toString());
            rows.add(row);
        }
        return rows;
    }
}
