package dev.sluice.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reads the {@code prices:} section: price overrides per upstream model. */
final class PricesParser {
    private PricesParser() {}

    static Map<String, ModelPrice> parse(YamlNode node) {
        if (node == null) {
            return Map.of();
        }
        Map<String, ModelPrice> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            YamlNode p = e.getValue().allowOnly(Set.of("input", "output", "cached_input"));
            double input = p.number("input", 0, 0, 1e6);
            out.put(e.getKey(), new ModelPrice(input, p.number("output", 0, 0, 1e6), p.number("cached_input", input, 0, 1e6)));
        }
        return out;
    }
}
