package dev.sluice.guard;

import dev.sluice.config.OptionsSchema;
import dev.sluice.config.ScannerSchema;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One kind of guardrail scanner: its config name, the sides it may run on, whether its findings
 * can be redacted, the threshold a rule gets when it gives none, what a block says it found, its
 * options (a typed record read and checked when the config is loaded) and how it is built. Each
 * scanner folder declares its type; {@link ScannerTypes} lists them.
 *
 * <pre>{@code
 * public static final ScannerType<Options> TYPE = ScannerType.of("urls", OPTIONS,
 *                 (options, resources) -> new UrlScanner(options.allow()))
 *         .redacting().blocks(types -> "links to hosts that are not allowed");
 * }</pre>
 *
 * @param blockReason what the 400 {@code guardrail_blocked} message says was found, given the
 *                    comma-separated finding types (e.g. "personal data found: email")
 * @param references  the public model names the options refer to, by option key
 */
public record ScannerType<O>(String name, Set<Direction> sides, boolean redactable, double defaultThreshold,
                             Function<String, String> blockReason, OptionsSchema<O> options, Factory<O> factory,
                             Function<O, Map<String, String>> references) implements ScannerSchema {

    /** Builds a scanner from its options; heavy parts come from (and are shared through) the resources. */
    @FunctionalInterface
    public interface Factory<O> {
        Scanner create(O options, ScannerResources resources);
    }

    public ScannerType {
        sides = Set.copyOf(sides);
    }

    /** A scanner for both sides, not redactable, threshold 0.5, whose block names the finding types. */
    public static <O> ScannerType<O> of(String name, OptionsSchema<O> options, Factory<O> factory) {
        return new ScannerType<>(name, EnumSet.allOf(Direction.class), false, 0.5, types -> types, options, factory,
                o -> Map.of());
    }

    /** Runs only on these sides. */
    public ScannerType<O> on(Direction first, Direction... more) {
        return new ScannerType<>(name, EnumSet.of(first, more), redactable, defaultThreshold, blockReason, options,
                factory, references);
    }

    /** Its span findings may be redacted ({@code action: redact}). */
    public ScannerType<O> redacting() {
        return new ScannerType<>(name, sides, true, defaultThreshold, blockReason, options, factory, references);
    }

    public ScannerType<O> threshold(double value) {
        return new ScannerType<>(name, sides, redactable, value, blockReason, options, factory, references);
    }

    public ScannerType<O> blocks(Function<String, String> reason) {
        return new ScannerType<>(name, sides, redactable, defaultThreshold, reason, options, factory, references);
    }

    /** Options that name public models, checked against {@code models:} when the config loads. */
    public ScannerType<O> referencing(Function<O, Map<String, String>> models) {
        return new ScannerType<>(name, sides, redactable, defaultThreshold, blockReason, options, factory, models);
    }

    @Override
    public boolean input() {
        return sides.contains(Direction.INPUT);
    }

    @Override
    public boolean output() {
        return sides.contains(Direction.OUTPUT);
    }

    @Override
    public Map<String, String> modelReferences(Object parsed) {
        return references.apply(options.cast(parsed));
    }

    /** The scanner for options the config loader read with this type's schema. */
    public Scanner create(Object parsed, ScannerResources resources) {
        return factory.create(options.cast(parsed), resources);
    }
}
