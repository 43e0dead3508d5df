package dev.sluice.config;

import java.util.Set;
import java.util.function.Function;

/**
 * The options of one provider type or guardrail scanner: the keys it reads from its config entry
 * (so a typo gets "did you mean") and how it reads them into its own typed record, failing with
 * file:line on a bad value.
 *
 * @param type   the options record, checked when a factory receives its options back
 * @param keys   the keys {@code read} may look at
 * @param reader reads and checks those keys of an entry
 */
public record OptionsSchema<O>(Class<O> type, Set<String> keys, Function<YamlNode, O> reader) {

    public OptionsSchema {
        keys = Set.copyOf(keys);
    }

    /** For types and scanners that take no options. */
    public static OptionsSchema<NoOptions> none() {
        return new OptionsSchema<>(NoOptions.class, Set.of(), node -> NoOptions.INSTANCE);
    }

    public O read(YamlNode node) {
        return reader.apply(node);
    }

    /** Options a factory is handed back, as this schema's record type. */
    public O cast(Object options) {
        return type.cast(options);
    }
}
