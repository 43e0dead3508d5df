package dev.sluice.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.config.ConfigException;
import dev.sluice.config.YamlNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files a suite points at with {@code file://}: prompt files (text, with {@code ---} lines
 * between several prompts; or chat messages as JSON or YAML), globs of them, test files (CSV,
 * JSONL, YAML) and values read from files.
 */
final class SuiteFiles {
    private static final String FILE = "file://";
    private final SuiteLoader loader;

    SuiteFiles(SuiteLoader loader) {
        this.loader = loader;
    }

    static Path resolve(Path dir, String reference) {
        String path = reference.startsWith(FILE) ? reference.substring(FILE.length()) : reference;
        Path p = Path.of(path);
        return p.isAbsolute() || dir == null ? p : dir.resolve(p).normalize();
    }

    static String read(Path file, String where) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(where + ": cannot read " + file + " (" + e.getClass().getSimpleName()
                    + "). Fix: give a path relative to the suite's folder");
        }
    }

    /** A value from a file: JSON or YAML files as data, anything else as text. */
    static JsonNode readValue(Path file, String where) {
        String text = read(file, where);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml")) {
            return Json.MAPPER.valueToTree(YamlNode.parse(text, file.toString()).value());
        }
        return Json.NODES.textNode(text);
    }

    /** The files a reference names: one file, or every match of a glob ({@code prompts/*.txt}), sorted. */
    static List<Path> expand(YamlNode where, Path dir, String reference) {
        Path path = resolve(dir, reference);
        String last = path.getFileName().toString();
        if (!last.contains("*") && !last.contains("?") && !last.contains("{")) {
            if (!Files.isRegularFile(path)) {
                throw where.error("the file '" + path + "' does not exist", "give a path relative to the suite's folder");
            }
            return List.of(path);
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(path.getParent(), last)) {
            stream.forEach(out::add);
        } catch (IOException e) {
            throw where.error("cannot list " + path.getParent(), null);
        }
        if (out.isEmpty()) {
            throw where.error("no file matches '" + reference + "'", null);
        }
        out.sort(null);
        return out;
    }

    List<EvalPrompt> prompts(YamlNode where, String text, String label, Path dir) {
        if (!text.startsWith(FILE)) {
            return List.of(inline(where, text, label));
        }
        List<EvalPrompt> out = new ArrayList<>();
        for (Path file : expand(where, dir, text)) {
            String content = read(file, where.file() + ":" + where.line());
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            String base = label != null ? label : dir != null && file.startsWith(dir) ? dir.relativize(file).toString() : file.toString();
            if (name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml")) {
                out.add(new EvalPrompt(base, messages(YamlNode.parse(content, file.toString()))));
                continue;
            }
            String[] parts = content.split("(?m)^---\\s*$");
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i].strip();
                if (!part.isEmpty()) {
                    out.add(EvalPrompt.text(parts.length > 1 ? base + "#" + (i + 1) : base, part));
                }
            }
        }
        return out;
    }

    /** An inline prompt: text, or chat messages written as a JSON array. */
    private static EvalPrompt inline(YamlNode where, String text, String label) {
        String name = label != null ? label : shorten(text);
        String stripped = text.strip();
        if (stripped.startsWith("[") && stripped.endsWith("]")) {
            try {
                JsonNode parsed = Json.MAPPER.readTree(stripped);
                if (parsed.isArray() && !parsed.isEmpty() && parsed.get(0).has("role")) {
                    return new EvalPrompt(name, messages(YamlNode.parse(stripped, where.file() + ":" + where.line())));
                }
            } catch (IOException e) {
                // plain text that happens to start with '['
            }
        }
        return EvalPrompt.text(name, text);
    }

    private static List<EvalPrompt.Message> messages(YamlNode node) {
        if (!node.isList()) {
            throw node.error("a chat prompt is a list of messages with role and content", null);
        }
        List<EvalPrompt.Message> out = new ArrayList<>();
        for (YamlNode m : node.items()) {
            m.allowOnly(java.util.Set.of("role", "content"));
            String role = m.requiredString("role", "system, user or assistant");
            if (!List.of("system", "user", "assistant", "developer").contains(role)) {
                throw m.get("role").error("unknown role '" + role + "'", "use system, user or assistant");
            }
            out.add(new EvalPrompt.Message(role, m.requiredString("content", "give the message text")));
        }
        return out;
    }

    private static String shorten(String text) {
        String t = text.strip().replace('\n', ' ');
        return t.length() > 50 ? t.substring(0, 47) + "..." : t;
    }

    /** The tests of a {@code file://} reference: CSV (promptfoo's columns), JSONL or YAML. */
    List<TestCase> tests(YamlNode where, Path dir) {
        String reference = where.text();
        if (reference.startsWith("sluice://")) {
            throw where.error("dataset references (" + reference + ") are resolved by the sluice eval command",
                    "run the suite with sluice eval and --url pointing at the gateway");
        }
        if (!reference.startsWith(FILE)) {
            throw where.error("a test is a mapping, or a file:// reference to CSV, JSONL or YAML tests", null);
        }
        List<TestCase> out = new ArrayList<>();
        for (Path file : expand(where, dir, reference)) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            String text = read(file, where.file() + ":" + where.line());
            if (name.endsWith(".csv")) {
                out.addAll(TestTables.csv(text, file.toString(), loader));
            } else if (name.endsWith(".jsonl")) {
                out.addAll(jsonl(text, file.toString(), file.getParent()));
            } else if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
                YamlNode root = YamlNode.parse(text, file.toString());
                for (YamlNode t : root.isList() ? root.items() : List.of(root)) {
                    out.add(loader.test(t, file.getParent()));
                }
            } else {
                throw where.error("unsupported test file '" + file.getFileName() + "'", "use .csv, .jsonl, .yaml or .json");
            }
        }
        return out;
    }

    private List<TestCase> jsonl(String text, String file, Path dir) {
        List<TestCase> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            YamlNode node = YamlNode.parse(lines[i], file + ":" + (i + 1));
            if (!node.isMap()) {
                throw new ConfigException(file + ":" + (i + 1) + ": each line must be a JSON object (a test)");
            }
            Map<String, YamlNode> entries = node.entries();
            boolean isTest = entries.containsKey("vars") || entries.containsKey("assert");
            if (isTest) {
                out.add(loader.test(node, dir));
            } else {
                // a plain record: its fields are the variables (the datasets' export format)
                @SuppressWarnings("unchecked")
                Map<String, Object> vars = (Map<String, Object>) node.value();
                out.add(new TestCase(null, vars, List.of(), null, Map.of(), file + ":" + (i + 1)));
            }
        }
        return out;
    }
}
