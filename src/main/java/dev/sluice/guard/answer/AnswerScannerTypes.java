package dev.sluice.guard.answer;

import dev.sluice.config.OptionsSchema;
import dev.sluice.guard.Direction;
import dev.sluice.guard.ScannerType;
import java.util.List;
import java.util.Set;

/** The answer checks: {@code system_prompt_leak}, {@code json_schema}, {@code groundedness}; output only. */
public final class AnswerScannerTypes {
    private AnswerScannerTypes() {}

    /**
     * @param canary          plant a canary token in the system prompt and look for it in the answer
     * @param minOverlapWords words in a row the answer must share with the system prompt to count as a leak
     */
    public record LeakOptions(boolean canary, int minOverlapWords) {}

    public static final ScannerType<LeakOptions> SYSTEM_PROMPT_LEAK = ScannerType.of("system_prompt_leak",
                    new OptionsSchema<>(LeakOptions.class, Set.of("canary", "min_overlap_words"),
                            node -> new LeakOptions(node.bool("canary", true),
                                    node.integer("min_overlap_words", 12, 1, Integer.MAX_VALUE))),
                    (options, resources) -> new LeakageScanner(options.canary(), options.minOverlapWords()))
            .on(Direction.OUTPUT)
            .blocks(types -> "it reveals the system prompt");

    /** @param reask ask the model once more, with the validation errors, before blocking */
    public record SchemaOptions(boolean reask) {}

    public static final ScannerType<SchemaOptions> JSON_SCHEMA = ScannerType.of("json_schema",
                    new OptionsSchema<>(SchemaOptions.class, Set.of("reask"),
                            node -> new SchemaOptions(node.bool("reask", false))),
                    (options, resources) -> new JsonSchemaScanner(options.reask()))
            .on(Direction.OUTPUT)
            .blocks(types -> "it does not match the requested JSON schema");

    /**
     * @param minWords shorter sentences are not checked
     * @param method   {@code overlap} (word overlap with the whole context) or {@code model}
     *                 ({@link GroundednessModel}: aligned overlap, invented numbers and names)
     */
    public record GroundednessOptions(int minWords, String method) {
        public GroundednessOptions(int minWords) {
            this(minWords, DEFAULT_GROUNDEDNESS_METHOD);
        }
    }

    /** The method a groundedness rule uses when it does not say. */
    static final String DEFAULT_GROUNDEDNESS_METHOD = "model";

    public static final ScannerType<GroundednessOptions> GROUNDEDNESS = ScannerType.of("groundedness",
                    new OptionsSchema<>(GroundednessOptions.class, Set.of("min_words", "method"),
                            node -> new GroundednessOptions(node.integer("min_words", 4, 1, Integer.MAX_VALUE),
                                    node.choice("method", DEFAULT_GROUNDEDNESS_METHOD, List.of("overlap", "model"), "method"))),
                    (options, resources) -> options.method().equals("model")
                            ? new GroundednessScanner(options.minWords(),
                                    resources.lazy(GroundednessModel.class, GroundednessModel::load))
                            : new GroundednessScanner(options.minWords()))
            .on(Direction.OUTPUT)
            .blocks(types -> "statements not supported by the supplied context");
}
