package dev.sluice.cli;

import dev.sluice.api.Json;
import dev.sluice.embed.Embedder;
import dev.sluice.guard.eval.DetectionMetrics;
import dev.sluice.guard.eval.GuardEvaluation;
import dev.sluice.guard.injection.ClassifierTrainer;
import dev.sluice.guard.injection.InjectionClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice guard eval|train-classifier}: guardrail evaluation on the labelled sets shipped in the jar. */
@Command(name = "guard", mixinStandardHelpOptions = true, description = "Guardrail evaluation and training.",
        subcommands = {GuardCommand.Eval.class, GuardCommand.Train.class, GuardModelCommands.TrainModel.class,
                GuardModelCommands.Public.class})
final class GuardCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Print precision, recall and false-positive rate per scanner on the labelled sets.")
    static final class Eval implements Callable<Integer> {
        @Option(names = "--split", defaultValue = "test",
                description = "test (held out, default), dev (tuned on), or all.")
        String split;

        @Option(names = "--no-classifier", description = "Skip the embedding classifier (rules only, no model load).")
        boolean noClassifier;

        @Option(names = "--by-kind", description = "Also print recall and false alarms per kind of example.")
        boolean byKind;

        @Option(names = "--misses", description = "Also print every missed and falsely flagged example.")
        boolean misses;

        @Option(names = "--opt-in", description = "Also measure prompt_injection's opt-in cascades as a policy runs them: "
                + "tuned: true and tuned_documents: true (each loads a fine-tuned MiniLM encoder).")
        boolean optIn;

        @Override
        public Integer call() {
            List<String> splits = split.equals("all") ? List.of("dev", "test") : List.of(split);
            if (!List.of("dev", "test").containsAll(splits)) {
                System.err.println("error: --split must be test, dev or all");
                return 2;
            }
            InjectionClassifier classifier = noClassifier ? null : InjectionClassifier.load(new Embedder());
            for (String s : splits) {
                System.out.println();
                System.out.println("Split: " + s + (s.equals("test") ? " (held out: written before the rules, never tuned on)"
                        : " (rules and thresholds were tuned on it)") + ", threshold " + GuardEvaluation.THRESHOLD);
                System.out.println();
                System.out.println("Prompt injection (direct, jailbreak, extraction, obfuscated; documents as indirect):");
                System.out.println(DetectionMetrics.header());
                List<GuardEvaluation.InjectionResult> results = GuardEvaluation.injection(s, classifier, optIn);
                for (GuardEvaluation.InjectionResult r : results) {
                    System.out.println(r.metrics().row());
                    if (misses) {
                        r.misses().forEach(m -> System.out.println("      " + m));
                    }
                    if (byKind) {
                        for (Map.Entry<String, int[]> k : r.byKind().entrySet()) {
                            System.out.printf("      %-40s %3d / %3d flagged%n", k.getKey(), k.getValue()[0], k.getValue()[1]);
                        }
                    }
                }
                System.out.println("  CPU a text (thread time, models loaded before): " + String.join("; ", results.stream()
                        .map(r -> String.format(java.util.Locale.ROOT, "%s p50 %.2f / p99 %.2f ms", r.metrics().name()
                                .replace("prompt_injection (", "").replace(")", ""), r.cpuMsP50(), r.cpuMsP99())).toList()));
                System.out.println();
                System.out.println("PII, per entity type (phone regions US, GB, DE, FR):");
                System.out.println(DetectionMetrics.header());
                List<String> piiMisses = new java.util.ArrayList<>();
                for (DetectionMetrics m : GuardEvaluation.pii(s, piiMisses)) {
                    System.out.println(m.row());
                }
                if (misses) {
                    piiMisses.forEach(m -> System.out.println("      " + m));
                }
            }
            System.out.println();
            System.out.println("Targets on these authored sets (issue 8): injection recall >= 90% at FPR <= 5%; PII recall >= 95%"
                    + " per type at FPR <= 2%. On independent public data (issue 21): injection recall >= 95% at FPR <= 2%.");
            System.out.println("Provenance: these are the authored sets in the jar (dev/sluice/guard/eval/SOURCES.md, CC0).");
            java.nio.file.Path data = dev.sluice.guard.eval.PublicSets.locate(publicData);
            if (data == null || !Files.isRegularFile(data.resolve("MANIFEST.json"))) {
                System.out.println("Independent public sets: not found (tools/guard-data/README.md says how to build them);"
                        + " then run `sluice guard eval --public` or `sluice guard eval-public`.");
                return 0;
            }
            printProvenance(data);
            if (!publicSets) {
                System.out.println("Measure the shipped detectors on them: `sluice guard eval --public` (injection, every split) or"
                        + " `sluice guard eval-public --task injection|toxicity|groundedness|pii`.");
                return 0;
            }
            GuardModelCommands.Public p = new GuardModelCommands.Public();
            p.data = data;
            p.task = "injection";
            p.splits = List.of("train", "val", "test");
            return p.call();
        }

        @Option(names = "--public", description = "Also measure prompt injection on the public sets, every split (slow: minutes).")
        boolean publicSets;

        @Option(names = "--data", description = "Folder made by tools/guard-data/public_sets.py (default: $SLUICE_GUARD_DATA or shared/guard-data).")
        Path publicData;

        /** Every split of every public set: rows per source and label, with the source's commit and licence. */
        static void printProvenance(Path data) {
            com.fasterxml.jackson.databind.JsonNode m = dev.sluice.guard.eval.PublicSets.manifest(data);
            System.out.println();
            System.out.println("Independent public sets at " + data.toAbsolutePath() + " (MANIFEST.json; built by tools/guard-data/public_sets.py):");
            for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : m.get("repos").properties()) {
                System.out.println("  " + e.getKey() + " @ " + e.getValue().get("commit").asText().substring(0, 12) + "  licence: "
                        + e.getValue().get("licence").asText());
            }
            for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> f : m.get("files").properties()) {
                System.out.println("  " + f.getKey() + " (" + f.getValue().get("rows").asInt() + " rows, sha256 "
                        + f.getValue().get("sha256").asText().substring(0, 12) + "):");
                java.util.Map<String, java.util.List<String>> bySplit = new java.util.TreeMap<>();
                for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> c : f.getValue().get("counts").properties()) {
                    String[] k = c.getKey().split("\t");
                    bySplit.computeIfAbsent(k[0], x -> new java.util.ArrayList<>()).add(k[1] + " " + k[2] + " " + c.getValue().asInt());
                }
                bySplit.forEach((split, list) -> System.out.println("    " + split + ": " + String.join(", ", list)));
            }
            System.out.println("  Sources only in test were never trained on; thresholds are chosen on val only.");
        }
    }

    @Command(name = "train-classifier", mixinStandardHelpOptions = true,
            description = "Fit the prompt-injection classifier on the train split and write its weights.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "src/main/resources/dev/sluice/guard/injection-classifier.json",
                description = "Where to write the weights (default ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws Exception {
            long start = System.nanoTime();
            ClassifierTrainer.Model model = ClassifierTrainer.train(new Embedder());
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(model.toJson()) + "\n");
            System.out.printf("trained on %d examples (%d injections) in %.1f s -> %s%n", model.examples(),
                    model.positives(), (System.nanoTime() - start) / 1e9, out);
            return 0;
        }
    }
}
