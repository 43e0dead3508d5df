package dev.sluice.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML node that knows where it came from (file, line, dotted key path), so every typed read
 * can fail with a message naming the file, the line, the key and the fix.
 */
final class YamlNode {
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

    String path() {
        return path;
    }

    int line() {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    ConfigException error(String problem, String fix) {
        String where = file + (node == null ? "" : ":" + line()) + ": " + (path.isEmpty() ? "" : path + ": ");
        return new ConfigException(where + problem + (fix == null ? "" : ". Fix: " + fix));
    }

    boolean isMap() {
        return node instanceof MappingNode;
    }

    /** The entries of a mapping, in file order. */
    Map<String, YamlNode> entries() {
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
    YamlNode allowOnly(Set<String> known) {
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
    YamlNode get(String key) {
        if (node == null) {
            return null;
        }
        YamlNode child = entries().get(key);
        if (child == null || (child.node instanceof ScalarNode s && s.getTag().getValue().endsWith(":null"))) {
            return null;
        }
        return child;
    }

    List<YamlNode> items() {
        if (!(node instanceof SequenceNode seq)) {
            throw error("expected a list", "write each item on its own line starting with '- '");
        }
        List<YamlNode> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            out.add(new YamlNode(file, path + "[" + i + "]", seq.getValue().get(i), resolver));
        }
        return out;
    }

    /** The scalar text with {@code ${env:VAR}} references resolved. */
    String text() {
        if (!(node instanceof ScalarNode scalar)) {
            throw error("expected a single value, not a " + (node instanceof MappingNode ? "mapping" : "list"), null);
        }
        try {
            return resolver.apply(scalar.getValue());
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage(), "export the variable before starting Sluice, or give a default with ${env:NAME:-default}");
        }
    }

    String string(String key, String fallback) {
        YamlNode child = get(key);
        return child == null ? fallback : child.text();
    }

    String requiredString(String key, String fix) {
        YamlNode child = get(key);
        if (child == null || child.text().isBlank()) {
            throw error("missing required key '" + key + "'", fix);
        }
        return child.text();
    }

    int integer(String key, int fallback, int min, int max) {
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

    double number(String key, double fallback, double min, double max) {
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

    boolean bool(String key, boolean fallback) {
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
    Duration duration(String key, Duration fallback) {
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
    long bytes(String key, long fallback) {
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

    List<String> strings(String key) {
        YamlNode child = get(key);
        if (child == null) {
            return List.of();
        }
        if (child.node instanceof ScalarNode) {
            return List.of(child.text());
        }
        return child.items().stream().map(YamlNode::text).toList();
    }

    private String lastKey() {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static String closest(String key, Set<String> known) {
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
