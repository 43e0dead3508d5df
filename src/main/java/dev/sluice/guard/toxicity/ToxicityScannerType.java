package dev.sluice.guard.toxicity;

import dev.sluice.config.OptionsSchema;
import dev.sluice.guard.ScannerResources;
import dev.sluice.guard.ScannerType;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code toxicity}: the shipped word list (plus extra words), the shipped n-gram classifiers (on
 * by default, {@code classifier: false} for the word list alone), and optionally an ONNX classifier.
 * The default word list and each distinct model are loaded once and shared by every policy.
 */
public final class ToxicityScannerType {
    private ToxicityScannerType() {}

    /**
     * @param model     an ONNX text classifier, or null for the word list alone
     * @param tokenizer its tokenizer.json, or null for the one next to the model
     * @param labels    the classifier's labels that count as toxic; empty for {@code toxic}
     * @param words     extra words for the word list
     * @param classifier run the shipped n-gram classifiers (offensive, hate) besides the word list
     */
    public record Options(String model, String tokenizer, List<String> labels, List<String> words, boolean classifier) {}

    public static final ScannerType<Options> TYPE = ScannerType.of("toxicity",
                    new OptionsSchema<>(Options.class, Set.of("model", "tokenizer", "labels", "words", "classifier"),
                            node -> new Options(node.existingFile("model"), node.existingFile("tokenizer"),
                                    node.strings("labels"), node.strings("words"), node.bool("classifier", true))),
                    (options, resources) -> new ToxicityScanner(lexicon(options.words(), resources), onnx(options, resources),
                            options.classifier() ? resources.lazy(ToxicityModels.class, ToxicityModels::load) : null))
            .redacting()
            .blocks(types -> "toxic language");

    private static Lexicon lexicon(List<String> extra, ScannerResources resources) {
        if (!extra.isEmpty()) {
            return Lexicon.load(extra);
        }
        return resources.shared(Lexicon.class, Lexicon.class, () -> Lexicon.load(List.of()));
    }

    private static OnnxTextClassifier onnx(Options options, ScannerResources resources) {
        if (options.model() == null) {
            return null;
        }
        String tokenizer = options.tokenizer() != null ? options.tokenizer()
                : Path.of(options.model()).resolveSibling("tokenizer.json").toString();
        List<String> labels = options.labels().isEmpty() ? List.of("toxic") : options.labels();
        return resources.shared(List.of(OnnxTextClassifier.class, options.model(), tokenizer, labels),
                OnnxTextClassifier.class, () -> new OnnxTextClassifier(Path.of(options.model()), Path.of(tokenizer), labels));
    }
}
