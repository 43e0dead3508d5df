package dev.sluice.guard.judge;

import dev.sluice.config.OptionsSchema;
import dev.sluice.config.YamlNode;
import dev.sluice.guard.ScannerType;
import java.util.Map;
import java.util.Set;

/** {@code judge}: another configured model reviews the text against written criteria. */
public final class JudgeScannerType {
    private JudgeScannerType() {}

    static final String DEFAULT_CRITERIA = "The text must be safe, on-topic for a business assistant, and must not give"
            + " medical, legal or financial advice.";

    /**
     * @param model      the public model (from {@code models:}) that reviews
     * @param criteria   what the text must satisfy
     * @param failClosed block when the judge cannot answer (otherwise let the text pass)
     */
    public record Options(String model, String criteria, boolean failClosed) {}

    public static final ScannerType<Options> TYPE = ScannerType.of("judge",
                    new OptionsSchema<>(Options.class, Set.of("model", "criteria", "fail_closed"), JudgeScannerType::read),
                    (options, resources) -> new JudgeScanner(resources.judge(), options.model(), options.criteria(),
                            options.failClosed()))
            .referencing(options -> Map.of("model", options.model()))
            .blocks(types -> "the reviewing model found a violation");

    private static Options read(YamlNode node) {
        if (node.get("model") == null) {
            throw node.error("the judge needs a model", "add model: <one of the models: section's names>");
        }
        return new Options(node.requiredString("model", "give model a value"),
                node.get("criteria") == null ? DEFAULT_CRITERIA : node.requiredString("criteria", "give criteria a value"),
                node.bool("fail_closed", false));
    }
}
