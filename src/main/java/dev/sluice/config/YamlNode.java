package dev.sluice.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML node that knows where it came from (file, line, dotted key path), so every typed read
 * can fail with a message naming the file, the line, the key and the fix. Public so the typed
 * registries (provider types, guardrail scanners) read their own options with the same messages.
 */
public final class YamlNode {
    private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9_]*");
    private final String file;
    private final String path;
    private final Node node;
    private final UnaryOperator<String> resolver;

    YamlNode(String file, String path, Node node, UnaryOperator<String> resolver) {
        this.file = file;
        this.path = path;
        this.node = node;
        this.resolver = resolver;
    }

    /**
     * Parses a YAML document that is not Sluice's config (an evaluation suite, a dataset) into a
     * node that reports file and line the same way; no {@code ${env:}} resolution.
     */
    public static YamlNode parse(String yaml, String file) {
        Node root;
        try (java.io.Reader reader = new java.io.StringReader(yaml)) {
            org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new org.yaml.snakeyaml.Yaml(options).compose(reader);
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(file + ":" + line + ": this is not valid YAML: " + e.getProblem()
                    + ". Fix: check the indentation and quoting on that line");
        } catch (java.io.IOException | RuntimeException e) {
            throw new ConfigException(file + ": this is not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new ConfigException(file + ": the file is empty");
        }
        return new YamlNode(file, "", root, UnaryOperator.identity());
    }

    public String file() {
        return file;
    }

    /**
     * Nodes are equal when they hold the same data ({@link #value()}), wherever they were read: a config reload
     * compares the running config with the file's by value, and a node kept in it (an online evaluator's assertion)
     * must not count as changed because it was parsed again.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof YamlNode other && java.util.Objects.equals(value(), other.value());
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(value());
    }

    public boolean isList() {
        return node instanceof SequenceNode;
    }

    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    /**
     * The node as plain Java data, typed as YAML resolved it: String, Long, Double, Boolean or null
     * for scalars, List and (ordered) Map for collections. For free-form values (variables, JSON
     * schemas) that are handed on rather than read key by key.
     */
    public Object value() {
        return plain(node);
    }

    private static Object plain(Node n) {
        return switch (n) {
            case null -> null;
            case ScalarNode s -> scalar(s);
            case SequenceNode seq -> {
                List<Object> list = new ArrayList<>();
                seq.getValue().forEach(item -> list.add(plain(item)));
                yield list;
            }
            case MappingNode m -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (NodeTuple t : m.getValue()) {
                    map.put(t.getKeyNode() instanceof ScalarNode k ? k.getValue() : String.valueOf(plain(t.getKeyNode())),
                            plain(t.getValueNode()));
                }
                yield map;
            }
            default -> null;
        };
    }

    private static Object scalar(ScalarNode s) {
        String v = s.getValue();
        Tag tag = s.getTag();
        try {
            if (tag.equals(Tag.NULL)) {
                return null;
            } else if (tag.equals(Tag.BOOL)) {
                return Boolean.valueOf(v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("on"));
            } else if (tag.equals(Tag.INT)) {
                return Long.valueOf(v.replace("_", ""));
            } else if (tag.equals(Tag.FLOAT)) {
                return Double.valueOf(v.replace("_", ""));
            }
        } catch (NumberFormatException e) {
            return v;
        }
        return v;
    }

    public String path() {
        return path;
    }

    public int line() {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    public ConfigException error(String problem, String fix) {
        String where = file + (node == null ? "" : ":" + line()) + ": " + (path.isEmpty() ? "" : path + ": ");
        return new ConfigException(where + problem + (fix == null ? "" : ". Fix: " + fix));
    }

    public boolean isMap() {
        return node instanceof MappingNode;
    }

    /** The entries of a mapping, in file order. */
    public Map<String, YamlNode> entries() {
        if (!(node instanceof MappingNode mapping)) {
            throw error("expected a mapping (key: value lines)", "indent the entries under '" + lastKey() + ":'");
        }
        Map<String, YamlNode> out = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new YamlNode(file, path, tuple.getKeyNode(), resolver).error("keys must be plain names", null);
            }
            String name = key.getValue();
            if (out.containsKey(name)) {
                throw new YamlNode(file, path, tuple.getKeyNode(), resolver).error("the key '" + name
                        + "' appears twice", "keep one of them; YAML would silently use only the last");
            }
            out.put(name, new YamlNode(file, path.isEmpty() ? name : path + "." + name, tuple.getValueNode(), resolver));
        }
        return out;
    }

    /** Fails on any key not in {@code known}, suggesting the closest known one. */
    public YamlNode allowOnly(Collection<String> known) {
        for (Map.Entry<String, YamlNode> e : entries().entrySet()) {
            if (!known.contains(e.getKey())) {
                String suggestion = closest(e.getKey(), known);
                throw e.getValue().error("unknown key '" + e.getKey() + "'",
                        suggestion != null ? "did you mean '" + suggestion + "'?"
                                : "remove it; known keys here are " + String.join(", ", known.stream().sorted().toList()));
            }
        }
        return this;
    }

    /** A child node, or null when the key is absent or set to null. */
    public YamlNode get(String key) {
        if (node == null) {
            return null;
        }
        YamlNode child = entries().get(key);
        if (child == null || (child.node instanceof ScalarNode s && s.getTag().getValue().endsWith(":null"))) {
            return null;
        }
        return child;
    }

    public List<YamlNode> items() {
        if (!(node instanceof SequenceNode seq)) {
            throw error("expected a list", "write each item on its own line starting with '- '");
        }
        List<YamlNode> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            out.add(new YamlNode(file, path + "[" + i + "]", seq.getValue().get(i), resolver));
        }
        return out;
    }

    /** The scalar text with {@code ${env:VAR}} and {@code ${file:PATH}} references resolved. */
    public String text() {
        if (!(node instanceof ScalarNode scalar)) {
            throw error("expected a single value, not a " + (node instanceof MappingNode ? "mapping" : "list"), null);
        }
        try {
            return resolver.apply(scalar.getValue());
        } catch (Placeholders.Unresolved e) {
            throw error(e.getMessage(), e.fix());
        }
    }

    public String string(String key, String fallback) {
        YamlNode child = get(key);
        return child == null ? fallback : child.text();
    }

    /** The value, or null when the key is absent or blank (an unset {@code ${env:X:-}}). */
    public String optionalString(String key) {
        String value = string(key, null);
        return value == null || value.isBlank() ? null : value;
    }

    /** An optional http(s) URL: null when absent or blank, else it must start with http:// or https://. */
    public String optionalHttpUrl(String key, String fix) {
        String url = optionalString(key);
        if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
            throw get(key).error("'" + url + "' is not an http(s) URL", fix);
        }
        return url;
    }

    public String requiredString(String key, String fix) {
        YamlNode child = get(key);
        if (child == null || child.text().isBlank()) {
            throw error("missing required key '" + key + "'", fix);
        }
        return child.text();
    }

    public int integer(String key, int fallback, int min, int max) {
        YamlNode child = get(key);
        if (child == null) {
            return fallback;
        }
        String text = child.text().strip().replace("_", "");
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw child.error(value + " is out of range", "use a value between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw child.error("'" + text + "' is not a whole number", "use a value between " + min + " and " + max);
        }
    }

    public double number(String key, double fallback, double min, double max) {
        YamlNode child = get(key);
        if (child == null) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(child.text().strip());
            if (value < min || value > max) {
                throw child.error(value + " is out of range", "use a value between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw child.error("'" + child.text() + "' is not a number", "use a value between " + min + " and " + max);
        }
    }

    public boolean bool(String key, boolean fallback) {
        YamlNode child = get(key);
        if (child == null) {
            return fallback;
        }
        return switch (child.text().strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw child.error("'" + child.text() + "' is not a boolean", "use true or false");
        };
    }

    /** Durations as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601 ({@code PT30S}). */
    public Duration duration(String key, Duration fallback) {
        YamlNode child = get(key);
        if (child == null) {
            return fallback;
        }
        Duration d = Durations.parse(child.text());
        if (d == null || d.isNegative()) {
            throw child.error("'" + child.text() + "' is not a duration", "write it like 500ms, 30s, 5m, 1h or 2d");
        }
        return d;
    }

    /** Sizes as bytes, or with a unit: {@code 512KB}, {@code 10MB}, {@code 1GiB}. */
    public long bytes(String key, long fallback) {
        YamlNode child = get(key);
        if (child == null) {
            return fallback;
        }
        String text = child.text().strip().toUpperCase(Locale.ROOT).replace("_", "");
        int split = 0;
        while (split < text.length() && Character.isDigit(text.charAt(split))) {
            split++;
        }
        long multiplier = switch (text.substring(split).strip()) {
            case "", "B" -> 1;
            case "KB", "KIB", "K" -> 1024;
            case "MB", "MIB", "M" -> 1024 * 1024;
            case "GB", "GIB", "G" -> 1024L * 1024 * 1024;
            default -> -1;
        };
        if (split == 0 || multiplier < 0) {
            throw child.error("'" + child.text() + "' is not a size", "write it like 1048576, 512KB or 10MB");
        }
        return Long.parseLong(text.substring(0, split)) * multiplier;
    }

    public List<String> strings(String key) {
        YamlNode child = get(key);
        if (child == null) {
            return List.of();
        }
        if (child.node instanceof ScalarNode) {
            return List.of(child.text());
        }
        return child.items().stream().map(YamlNode::text).toList();
    }

    /**
     * The value of {@code key}, which must be one of {@code known}; {@code what} names the kind
     * of value in the error ("provider type", "format").
     */
    public String choice(String key, String fallback, Collection<String> known, String what) {
        String value = string(key, fallback);
        if (value != null && !known.contains(value)) {
            throw get(key).unknown(what, value, known);
        }
        return value;
    }

    /** "unknown {what} '{given}'", with the closest known name as the fix, or the known names. */
    public ConfigException unknown(String what, String given, Collection<String> known) {
        return error("unknown " + what + " '" + given + "'", suggestion(given, known));
    }

    /** "did you mean 'x'?" when one of {@code known} is close to {@code given}, else the known names. */
    public static String suggestion(String given, Collection<String> known) {
        String closest = closest(given, known);
        return closest != null ? "did you mean '" + closest + "'?"
                : "use one of " + String.join(", ", new TreeSet<>(known));
    }

    /** A list of names, each of which must be one of {@code known}. */
    public List<String> subset(String key, Collection<String> known, String what) {
        List<String> given = strings(key);
        for (String g : given) {
            if (!known.contains(g)) {
                throw get(key).error("unknown " + what + " '" + g + "'", closest(g, known) != null
                        ? suggestion(g, known) : "use any of " + String.join(", ", known));
            }
        }
        return given;
    }

    /** Regular expressions in RE2 syntax, each checked to compile. */
    public List<String> regexes(String key) {
        List<String> patterns = strings(key);
        for (String pattern : patterns) {
            get(key).compiles(pattern);
        }
        return patterns;
    }

    /** A list of {@code {name, pattern}} maps: custom detectors with lower_snake_case names. */
    public List<NamedPattern> namedPatterns(String key) {
        YamlNode list = get(key);
        if (list == null) {
            return List.of();
        }
        List<NamedPattern> out = new ArrayList<>();
        for (YamlNode item : list.items()) {
            item.allowOnly(Set.of("name", "pattern"));
            String name = item.requiredString("name", "name the pattern, e.g. employee_id");
            if (!SNAKE_CASE.matcher(name).matches()) {
                throw item.get("name").error("'" + name + "' is not a valid name", "use lower_snake_case");
            }
            String pattern = item.requiredString("pattern", "give a regular expression (RE2 syntax)");
            item.get("pattern").compiles(pattern);
            out.add(new NamedPattern(name, pattern));
        }
        return out;
    }

    /** The path of a file that must exist when the config is loaded, or null when the key is absent. */
    public String existingFile(String key) {
        YamlNode child = get(key);
        if (child == null) {
            return null;
        }
        String path = child.text();
        if (!Files.isRegularFile(Path.of(path))) {
            throw child.error("the file '" + path + "' does not exist", "give the path of an existing file");
        }
        return path;
    }

    /** A whole number that may not fit an int (seeds). */
    public long longInteger(String key, long fallback) {
        YamlNode child = get(key);
        if (child == null) {
            return fallback;
        }
        String text = child.text().strip().replace("_", "");
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw child.error("'" + text + "' is not a whole number", "write digits only, e.g. 42");
        }
    }

    /**
     * This node read as a mapping: itself, or an empty mapping at its position when it is a
     * single value (a scanner written in short form, {@code pii: redact}, has no options).
     */
    YamlNode asMapping() {
        return isMap() ? this : new YamlNode(file, path, new MappingNode(Tag.MAP, true, List.of(), node.getStartMark(),
                node.getEndMark(), DumperOptions.FlowStyle.FLOW), resolver);
    }

    /**
     * Patterns from the config are matched with RE2/J (linear time on any input, so no pattern can
     * make a hostile message cost seconds); RE2 has no look-arounds or back-references.
     */
    private void compiles(String pattern) {
        try {
            com.google.re2j.Pattern.compile(pattern);
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw error("'" + pattern + "' is not a pattern Sluice can run (" + e.getDescription() + ")",
                    "patterns use RE2 syntax (like Java regex without look-arounds (?=...) (?<=...) or back-references \\1,"
                            + " which could make matching take exponential time); in YAML single quotes keep backslashes as they are");
        }
    }

    private String lastKey() {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static String closest(String key, Collection<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int d = distance(key.toLowerCase(Locale.ROOT), candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
