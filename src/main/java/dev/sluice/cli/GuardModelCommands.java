package dev.sluice.cli;

import dev.sluice.api.Json;
import dev.sluice.guard.answer.GroundednessModel;
import dev.sluice.guard.answer.GroundednessScanner;
import dev.sluice.guard.eval.GroundednessTraining;
import dev.sluice.guard.eval.GroupedScores;
import dev.sluice.guard.eval.ModelTraining;
import dev.sluice.guard.eval.PublicSets;
import dev.sluice.guard.injection.InjectionModel;
import dev.sluice.guard.injection.InjectionScanner;
import dev.sluice.guard.ngram.LinearTextModel;
import dev.sluice.guard.ngram.LinearTextTrainer;
import dev.sluice.guard.toxicity.Lexicon;
import dev.sluice.guard.toxicity.ToxicityModels;
import dev.sluice.guard.toxicity.ToxicityScanner;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice guard train-model} and {@code sluice guard eval-public}: the n-gram models and the public corpora. */
final class GuardModelCommands {
    private GuardModelCommands() {}

    static Path dataOrFail(Path given) {
        Path data = PublicSets.locate(given);
        if (data == null || !Files.isRegularFile(data.resolve("MANIFEST.json"))) {
            System.err.println("error: no public guard data found (build it with tools/guard-data/public_sets.py, "
                    + "then pass --data DIR or set SLUICE_GUARD_DATA)");
            return null;
        }
        return data;
    }

    @Command(name = "train-model", mixinStandardHelpOptions = true,
            description = "Train an n-gram model on the train split of the public sets, pick its operating point on val, write it.")
    static final class TrainModel implements Callable<Integer> {
        @Option(names = "--task", defaultValue = "injection", description = "injection, injection-head (the embedding head of"
                + " the user-turn cascade, over the shipped user-turn model; train it after injection), injection-tuned (the cascade"
                + " settings for an encoder fine-tuned by tools/guard-tune: --tuned-weights), injection-tuned-documents (the documents'"
                + " cascade settings for a reader fine-tuned on documents by tools/guard-tune TrainDocuments: --tuned-weights),"
                + " toxicity-offensive or toxicity-hate")
        String task;

        @Option(names = "--tuned-weights", description = "injection-tuned: the weights file written by tools/guard-tune"
                + " (default: the shipped one).")
        Path tunedWeights;

        @Option(names = "--data", description = "Folder made by tools/guard-data/public_sets.py.")
        Path data;

        @Option(names = "--out", description = "Where to write the model (default: the resource in src/main/resources).")
        Path out;

        @Option(names = "--read-windows", description = "injection-tuned-documents / --tuned-documents: the reader reads only this"
                + " many windows of a document, those the document model scores highest (default: the shipped"
                + " TunedInjectionEncoder.DOCUMENT_READ_WINDOWS; 24 reads every window, as before session 15).")
        Integer readWindows;

        @Option(names = "--document-model", description = "injection-tuned-documents: combine the reader with this document"
                + " model file (train-model --task injection --out-documents) instead of the shipped one.")
        Path documentModelFile;

        @Option(names = "--out-documents", description = "Injection: where to write the documents' model (default: its"
                + " resource in src/main/resources).")
        Path outDocuments;

        @Option(names = "--epochs", description = "Training epochs (default: the shipped setting).")
        Integer epochs;

        @Option(names = "--l2", description = "L2 penalty (default: the shipped setting).")
        Double l2;

        @Option(names = "--window", description = "Window in token positions (default: the shipped setting).")
        Integer window;

        @Option(names = "--small-window", description = "Injection: a second, smaller window in token positions (default: the"
                + " shipped setting, 0: none). Toxicity heads have none.")
        Integer smallWindow;

        @Option(names = "--learning-rate", description = "AdaGrad learning rate (default: the shipped setting).")
        Double learningRate;

        @Option(names = "--acts", negatable = true, defaultValue = "true",
                description = "Injection: add the act features (override, reveal, role spoofing, delimiters...; default on).")
        boolean acts;

        @Option(names = "--val-max-fpr", defaultValue = "0.005",
                description = "Injection: highest false-positive rate on the benign val rows pooled at the operating point"
                        + " (default 0.005, what the shipped model used).")
        double valMaxFpr;

        @Option(names = "--val-max-source-fpr", defaultValue = "0.01",
                description = "Injection: highest false-positive rate on any one benign val source (default 0.01).")
        Double valMaxSourceFpr;

        /** The injection model's second window (token positions); 0: none (24 flagged "Say hello." in the demo: see README). */
        static final int INJECTION_SMALL_WINDOW = 0;

        LinearTextTrainer.Settings settings() {
            LinearTextTrainer.Settings d = LinearTextTrainer.Settings.defaults();
            return new LinearTextTrainer.Settings(d.bits(), window != null ? window : d.window(),
                    epochs != null ? epochs : d.epochs(), learningRate != null ? learningRate : d.learningRate(),
                    l2 != null ? l2 : d.l2(), d.seed());
        }

        private static void write(LinearTextModel model, Path target) throws java.io.IOException {
            Files.createDirectories(target.toAbsolutePath().getParent());
            try (OutputStream o = Files.newOutputStream(target)) {
                model.write(o);
            }
        }

        @Override
        public Integer call() throws Exception {
            Path dir = dataOrFail(data);
            if (dir == null) {
                return 2;
            }
            long start = System.nanoTime();
            if (task.equals("groundedness")) {
                GroundednessModel g = GroundednessTraining.train(GroundednessTraining.answers(dir));
                Path target = out != null ? out : Path.of("src/main/resources" + GroundednessModel.RESOURCE);
                Files.createDirectories(target.toAbsolutePath().getParent());
                Files.writeString(target, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(g.toJson()) + "\n");
                System.out.printf("trained groundedness in %.1f s, operating point %.2f -> %s%n", (System.nanoTime() - start) / 1e9,
                        g.operatingPoint(), target);
                return 0;
            }
            if (task.equals("injection-tuned")) {
                dev.sluice.guard.injection.TunedInjectionEncoder encoder = tunedWeights == null
                        ? dev.sluice.guard.injection.TunedInjectionEncoder.load()
                        : dev.sluice.guard.injection.TunedInjectionEncoder.read(tunedWeights);
                com.fasterxml.jackson.databind.node.ObjectNode settings = dev.sluice.guard.eval.TunedTraining.choose(dir,
                        InjectionModel.load(), encoder, System.out::println);
                Path target = out != null ? out : Path.of("src/main/resources" + dev.sluice.guard.injection.InjectionCascade.TUNED_RESOURCE);
                Files.createDirectories(target.toAbsolutePath().getParent());
                Files.writeString(target, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(settings) + "\n");
                System.out.printf("chose the tuned cascade in %.1f s, n-gram weight %.1f, operating point %.4f -> %s%n",
                        (System.nanoTime() - start) / 1e9, settings.get("ngram_weight").asDouble(),
                        settings.get("operating_point").asDouble(), target);
                return 0;
            }
            if (task.equals("injection-tuned-documents")) {
                if (tunedWeights == null || out == null) {
                    System.err.println("error: injection-tuned-documents needs --tuned-weights (tools/guard-tune TrainDocuments) and"
                            + " --out (no documents' reader ships: run s11-1)");
                    return 2;
                }
                LinearTextModel documentModel = documentModelFile == null ? InjectionModel.loadDocuments() : Public.read(documentModelFile);
                if (documentModel == null) {
                    return 2;
                }
                dev.sluice.guard.injection.TunedInjectionEncoder encoder = dev.sluice.guard.injection.TunedInjectionEncoder.read(
                        tunedWeights, dev.sluice.guard.injection.TunedInjectionEncoder.DOCUMENT_MAX_WINDOWS)
                        .readingTopWindows(documentModel::maxLogit, readWindows == null
                                ? dev.sluice.guard.injection.TunedInjectionEncoder.DOCUMENT_READ_WINDOWS : readWindows);
                com.fasterxml.jackson.databind.node.ObjectNode settings = dev.sluice.guard.eval.DocumentTunedTraining.choose(dir,
                        documentModel, encoder, System.out::println);
                Path target = out;
                Files.createDirectories(target.toAbsolutePath().getParent());
                Files.writeString(target, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(settings) + "\n");
                System.out.printf("chose the documents' tuned cascade in %.1f s, band %.2f, n-gram weight %.1f, keep n-gram %s,"
                                + " operating point %.4f -> %s%n", (System.nanoTime() - start) / 1e9, settings.get("band").asDouble(),
                        settings.get("ngram_weight").asDouble(), settings.get("keep_ngram").asBoolean(),
                        settings.get("operating_point").asDouble(), target);
                return 0;
            }
            if (task.equals("injection-head")) {
                LinearTextModel user = InjectionModel.load();
                com.fasterxml.jackson.databind.node.ObjectNode head = dev.sluice.guard.eval.HeadTraining.train(dir, user,
                        new dev.sluice.embed.Embedder(), System.out::println);
                Path target = out != null ? out : Path.of("src/main/resources" + dev.sluice.guard.injection.InjectionCascade.RESOURCE);
                Files.createDirectories(target.toAbsolutePath().getParent());
                Files.writeString(target, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(head) + "\n");
                System.out.printf("trained injection-head in %.1f s, operating point %.4f -> %s%n", (System.nanoTime() - start) / 1e9,
                        head.get("operating_point").asDouble(), target);
                return 0;
            }
            LinearTextModel model;
            String resource;
            switch (task) {
                case "injection" -> {
                    LinearTextTrainer.Settings s = settings().withActs(acts)
                            .withSmallWindow(smallWindow != null ? smallWindow : INJECTION_SMALL_WINDOW);
                    double sourceFpr = valMaxSourceFpr != null ? valMaxSourceFpr : valMaxFpr;
                    LinearTextModel documents = ModelTraining.trainInjectionDocuments(dir, s, valMaxFpr, sourceFpr);
                    Path docTarget = outDocuments != null ? outDocuments : Path.of("src/main/resources" + InjectionModel.DOCUMENTS_RESOURCE);
                    write(documents, docTarget);
                    System.out.printf("trained injection (documents) in %.1f s, document operating points %.4f (windows)"
                                    + " %.4f (sentences) -> %s%n", (System.nanoTime() - start) / 1e9, documents.documentOperatingPoint(),
                            documents.header().path("document_sentence_operating_point").asDouble(), docTarget);
                    model = ModelTraining.trainInjection(dir, s, valMaxFpr, sourceFpr);
                    resource = InjectionModel.RESOURCE;
                }
                case "toxicity-offensive", "toxicity-hate" -> {
                    String head = task.substring("toxicity-".length());
                    model = ModelTraining.trainToxicity(dir, head, settings());
                    resource = head.equals("hate") ? ToxicityModels.HATE : ToxicityModels.OFFENSIVE;
                }
                default -> {
                    System.err.println("error: --task must be injection, toxicity-offensive or toxicity-hate");
                    return 2;
                }
            }
            Path target = out != null ? out : Path.of("src/main/resources" + resource);
            write(model, target);
            System.out.printf("trained %s in %.1f s, operating point %.4f -> %s%n", task, (System.nanoTime() - start) / 1e9,
                    model.operatingPoint(), target);
            return 0;
        }
    }

    @Command(name = "eval-public", mixinStandardHelpOptions = true,
            description = "Recall and false-positive rate per split and source on the public sets, rules baseline in the same run.")
    static final class Public implements Callable<Integer> {
        @Option(names = "--data", description = "Folder made by tools/guard-data/public_sets.py.")
        Path data;

        @Option(names = "--task", defaultValue = "injection", description = "injection, toxicity, groundedness or pii")
        String task;

        @Option(names = "--splits", defaultValue = "val,test", split = ",", description = "Splits to report (default val,test).")
        List<String> splits;

        @Option(names = "--model", description = "Evaluate this injection model file (user turns) instead of the shipped one.")
        Path modelFile;

        @Option(names = "--document-model", description = "Evaluate this injection model file on documents and tool results"
                + " instead of the shipped one.")
        Path documentModelFile;

        @Option(names = "--head", description = "Evaluate this embedding head (a file written by train-model --task injection-head)"
                + " instead of the shipped one.")
        Path headFile;

        @Option(names = "--tuned", description = "Injection: the last column reads user turns through the fine-tuned encoder's"
                + " cascade (tuned: true) instead of the embedding head's.")
        boolean tuned;

        @Option(names = "--tuned-weights", description = "With --tuned: this weights file (tools/guard-tune) instead of the shipped one.")
        Path tunedWeights;

        @Option(names = "--tuned-cascade", description = "With --tuned: these cascade settings (train-model --task injection-tuned)"
                + " instead of the shipped ones.")
        Path tunedCascade;

        @Option(names = "--tuned-documents", description = "Injection: add a column reading documents and tool results through"
                + " a documents' cascade, by default the shipped one (tuned_documents: true: s12-1's document model and the"
                + " reader fine-tuned on documents); user turns as the default.")
        boolean tunedDocuments;

        @Option(names = "--tuned-documents-weights", description = "With --tuned-documents: this reader's weights file"
                + " (tools/guard-tune TrainDocuments) instead of the shipped one; with --tuned-documents-cascade.")
        Path tunedDocumentsWeights;

        @Option(names = "--read-windows", description = "--tuned-documents: the reader reads at most this many windows of a"
                + " document, those whose own document-model score reaches the cascade's band (the top one if none does;"
                + " default: the shipped TunedInjectionEncoder.DOCUMENT_READ_WINDOWS).")
        Integer readWindows;

        @Option(names = "--tuned-documents-cascade", description = "With --tuned-documents: its settings (train-model --task"
                + " injection-tuned-documents --out FILE).")
        Path tunedDocumentsCascade;

        @Option(names = "--reader-precision", description = "With --tuned / --tuned-documents: run the fine-tuned readers"
                + " at this precision: FP32 (as trained) or INT8 (quantized in memory at load time; reader_precision: int8)."
                + " Default: FP32.")
        dev.sluice.guard.injection.TunedInjectionEncoder.Precision readerPrecision =
                dev.sluice.guard.injection.TunedInjectionEncoder.Precision.FP32;

        @Option(names = "--scores", description = "Injection: also write every row's scores (split, source, kind, label, channel, default"
                + " score, score with the head, text) to this file, for breakdowns such as per language.")
        Path scoresFile;

        @Option(names = "--misses", description = "PII: also print every miss and false positive.")
        boolean showMisses;

        @Override
        public Integer call() {
            Path dir = dataOrFail(data);
            if (dir == null) {
                return 2;
            }
            System.out.println("Data: " + dir.toAbsolutePath() + " (provenance: MANIFEST.json there, tools/guard-data/README.md)");
            for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : PublicSets.manifest(dir).get("repos").properties()) {
                System.out.println("  " + e.getKey() + " @ " + e.getValue().get("commit").asText().substring(0, 12) + "  licence: "
                        + e.getValue().get("licence").asText());
            }
            List<PublicSets.Row> rows = new ArrayList<>();
            for (PublicSets.Row r : ModelTraining.rows(dir, task)) {
                if (splits.contains(r.split())) {
                    rows.add(r);
                }
            }
            if (task.equals("injection")) {
                LinearTextModel model = modelFile == null ? InjectionModel.load() : read(modelFile);
                LinearTextModel docModel = documentModelFile == null ? InjectionModel.loadDocuments() : read(documentModelFile);
                if (model == null || docModel == null) {
                    return 2;
                }
                dev.sluice.embed.Embedder embedder = new dev.sluice.embed.Embedder();
                dev.sluice.guard.injection.InjectionCascade cascade;
                try {
                    if (tuned) {
                        dev.sluice.guard.injection.TunedInjectionEncoder encoder = tunedWeights == null
                                ? dev.sluice.guard.injection.TunedInjectionEncoder.load(readerPrecision)
                                : dev.sluice.guard.injection.TunedInjectionEncoder.read(tunedWeights,
                                        dev.sluice.guard.injection.TunedInjectionEncoder.MAX_WINDOWS, readerPrecision);
                        cascade = tunedCascade == null ? dev.sluice.guard.injection.InjectionCascade.loadTuned(model, encoder)
                                : dev.sluice.guard.injection.InjectionCascade.withReader(Json.MAPPER.readTree(tunedCascade.toFile()), model, encoder);
                    } else {
                        cascade = headFile == null ? dev.sluice.guard.injection.InjectionCascade.load(model, embedder)
                                : dev.sluice.guard.injection.InjectionCascade.fromJson(Json.MAPPER.readTree(headFile.toFile()), model, embedder);
                    }
                } catch (java.io.IOException e) {
                    System.err.println("error: cannot read the cascade's files: " + e.getMessage());
                    return 2;
                }
                dev.sluice.guard.injection.InjectionCascade docCascade = null;
                LinearTextModel tunedDocModel = docModel;
                if (tunedDocuments) {
                    if ((tunedDocumentsWeights == null) != (tunedDocumentsCascade == null)) {
                        System.err.println("error: give --tuned-documents-weights and --tuned-documents-cascade together, or"
                                + " neither for the shipped documents' cascade");
                        return 2;
                    }
                    try {
                        boolean shipped = tunedDocumentsWeights == null;
                        com.fasterxml.jackson.databind.JsonNode settings = shipped
                                ? dev.sluice.guard.injection.InjectionCascade.shippedTunedDocumentsSettings()
                                : Json.MAPPER.readTree(tunedDocumentsCascade.toFile());
                        if (shipped && documentModelFile == null) {
                            // the shipped cascade reads over its own document model (s12-1's), not the default's
                            tunedDocModel = InjectionModel.loadTunedDocuments();
                        }
                        // the reader reads the windows the cascade's document model puts in its band, as a policy's does
                        dev.sluice.guard.injection.TunedInjectionEncoder docEncoder = dev.sluice.guard.injection.InjectionCascade
                                .documentReader(tunedDocModel, shipped
                                        ? dev.sluice.guard.injection.TunedInjectionEncoder.loadDocuments(readerPrecision)
                                        : dev.sluice.guard.injection.TunedInjectionEncoder.read(tunedDocumentsWeights,
                                                dev.sluice.guard.injection.TunedInjectionEncoder.DOCUMENT_MAX_WINDOWS, readerPrecision),
                                        readWindows == null ? dev.sluice.guard.injection.TunedInjectionEncoder.DOCUMENT_READ_WINDOWS
                                                : readWindows, settings.get("band").asDouble());
                        // the test (or val) documents read by the encoder up front, a few at a time
                        java.util.Map<String, Double> read = new java.util.concurrent.ConcurrentHashMap<>();
                        dev.sluice.guard.eval.DocumentTunedTraining.readAll(rows.stream().filter(r -> r.channel().equals("document"))
                                .map(PublicSets.Row::text).toList(), docEncoder, read);
                        dev.sluice.guard.injection.InjectionCascade.Reader memo = t -> read.computeIfAbsent(t, docEncoder::rawScore);
                        docCascade = dev.sluice.guard.injection.InjectionCascade.documentsWithReader(settings, tunedDocModel, memo);
                    } catch (java.io.IOException e) {
                        System.err.println("error: cannot read the documents' cascade files: " + e.getMessage());
                        return 2;
                    }
                }
                final dev.sluice.guard.injection.InjectionCascade docs = docCascade;
                InjectionScanner docsToo = new InjectionScanner(true, () -> model, () -> docModel, null);
                final LinearTextModel docsModel = tunedDocModel;
                InjectionScanner withDocs = new InjectionScanner(true, () -> model, () -> docsModel, null, () -> docs, null);
                java.util.Map<PublicSets.Row, Double> docScores = new java.util.IdentityHashMap<>();
                java.util.function.ToDoubleFunction<PublicSets.Row> tunedDocs = r -> !r.channel().equals("document")
                        ? scoresOf(docsToo, r) : docScores.computeIfAbsent(r, k -> ModelTraining.maxScore(withDocs, k));
                InjectionScanner withHead = new InjectionScanner(true, () -> model, () -> docModel, () -> cascade, null);
                java.util.Map<PublicSets.Row, Double> scores = new java.util.IdentityHashMap<>();
                java.util.Map<PublicSets.Row, Double> headScores = new java.util.IdentityHashMap<>();
                java.util.function.ToDoubleFunction<PublicSets.Row> dflt = r -> scores.computeIfAbsent(r, k -> ModelTraining.maxScore(docsToo, k));
                java.util.function.ToDoubleFunction<PublicSets.Row> head = r -> headScores.computeIfAbsent(r, k -> ModelTraining.maxScore(withHead, k));
                System.out.printf("%nPrompt injection (threshold 0.5; n-gram operating point %.4f, cascade %.4f, chosen on val):%n",
                        model.operatingPoint(), cascade.operatingPoint());
                List<GroupedScores.Detector> detectors = new ArrayList<>(List.of(
                        new GroupedScores.Detector("rules (baseline)", r -> ModelTraining.rulesScore(r) >= 0.5),
                        new GroupedScores.Detector("model", r -> (r.channel().equals("document") ? docModel.scoreDocument(r.text()) : model.score(r.text())) >= 0.5),
                        new GroupedScores.Detector("rules+model (default)", r -> dflt.applyAsDouble(r) >= 0.5),
                        new GroupedScores.Detector(tuned ? "rules+model+tuned" : "rules+model+head", r -> head.applyAsDouble(r) >= 0.5)));
                if (docs != null) {
                    // user turns as the default (the same scores), documents through the documents' cascade
                    detectors.add(new GroupedScores.Detector("rules+model+tuned documents", r -> (r.channel().equals("document")
                            ? tunedDocs.applyAsDouble(r) : dflt.applyAsDouble(r)) >= 0.5));
                }
                System.out.println(GroupedScores.run(rows, ModelTraining::injectionLabel, detectors).table());
                if (docs != null) {
                    System.out.printf(java.util.Locale.ROOT, "  +tuned documents: documents and tool results"
                            + " through the documents' cascade (band %.2f, n-gram weight %.1f, keep n-gram findings %s, operating"
                            + " point %.4f); user turns as the default.%n", docs.band(), docs.ngramWeight(), docs.keepNgram(),
                            docs.operatingPoint());
                }
                System.out.println("  default: user turns through the n-gram model, documents and tool results through the document model at"
                        + " its operating point " + String.format(java.util.Locale.ROOT, "%.4f", docModel.documentOperatingPoint())
                        + (tuned ? "; +tuned (tuned: true): user turns through the cascade (the n-grams, and from n-gram probability "
                        + cascade.band() + " the fine-tuned MiniLM encoder, n-gram weight " + cascade.ngramWeight() + ")."
                        : "; +head (head: true): user turns through the cascade (the n-grams, and from n-gram probability "
                        + cascade.band() + " the embedding head)."));
                if (scoresFile != null) {
                    try (java.io.PrintWriter w = new java.io.PrintWriter(Files.newBufferedWriter(scoresFile))) {
                        for (PublicSets.Row r : rows) {
                            w.println(String.join("\t", r.split(), r.source(), r.kind(), r.label(), r.channel(),
                                    String.valueOf(dflt.applyAsDouble(r)), String.valueOf(head.applyAsDouble(r)), r.text().replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")));
                        }
                    } catch (java.io.IOException e) {
                        System.err.println("error: cannot write " + scoresFile + ": " + e.getMessage());
                        return 2;
                    }
                }
                return 0;
            }
            if (task.equals("pii")) {
                List<String> misses = new ArrayList<>();
                System.out.println();
                System.out.println("PII, per entity type, Presidio's synthetic set (test only; phone regions US, GB, DE, FR):");
                System.out.println(dev.sluice.guard.eval.DetectionMetrics.header());
                for (dev.sluice.guard.eval.DetectionMetrics m : dev.sluice.guard.eval.GuardEvaluation.pii(PublicSets.pii(dir), misses)) {
                    System.out.println(m.row());
                }
                if (showMisses) {
                    misses.forEach(m -> System.out.println("      " + m.replace("\n", " ")));
                }
                return 0;
            }
            if (task.equals("groundedness")) {
                List<GroundednessTraining.Answer> answers = GroundednessTraining.answers(dir);
                GroundednessModel model = GroundednessModel.load();
                GroundednessScanner overlap = new GroundednessScanner(GroundednessTraining.MIN_WORDS);
                System.out.printf("%nGroundedness (FaithBench; positive = hallucinated; model operating point %.2f chosen on val):%n",
                        model.operatingPoint());
                for (String split : splits) {
                    System.out.println(GroundednessTraining.row(split + " word overlap (baseline)", GroundednessTraining.metrics(
                            answers, split, a -> overlapFlags(overlap, a.row()))));
                    System.out.println(GroundednessTraining.row(split + " sentence support model", GroundednessTraining.metrics(
                            answers, split, a -> GroundednessTraining.probability(model, a) >= model.operatingPoint())));
                }
                return 0;
            }
            if (task.equals("toxicity")) {
                ToxicityModels models = ToxicityModels.load();
                Lexicon lexicon = Lexicon.load(List.of());
                ToxicityScanner words = new ToxicityScanner(lexicon, null, null);
                ToxicityScanner both = new ToxicityScanner(lexicon, null, () -> models);
                java.util.function.Predicate<PublicSets.Row> wordsFlag = r -> maxScore(words, r) >= 0.5;
                java.util.function.Predicate<PublicSets.Row> bothFlag = r -> maxScore(both, r) >= 0.5;
                for (String head : List.of("offensive", "hate")) {
                    LinearTextModel m = head.equals("hate") ? models.hate() : models.offensive();
                    List<PublicSets.Row> scoped = rows.stream().filter(r -> head.equals("offensive")
                            || r.source().equals("davidson") || r.source().equals("tweeteval:hate")).toList();
                    System.out.printf("%nToxicity, category %s (threshold 0.5; operating point %.3f chosen on val):%n", head,
                            m.operatingPoint());
                    GroupedScores g = GroupedScores.run(scoped, r -> ModelTraining.toxicityLabel(head, r), List.of(
                            new GroupedScores.Detector("word list (baseline)", wordsFlag),
                            new GroupedScores.Detector("classifier:" + head, r -> m.score(r.text()) >= 0.5),
                            new GroupedScores.Detector("word list+classifiers", bothFlag)));
                    System.out.print(g.table());
                    System.out.print(g.f1Table());
                }
                return 0;
            }
            System.err.println("error: --task must be injection, toxicity, groundedness or pii");
            return 2;
        }

        private static double scoresOf(InjectionScanner scanner, PublicSets.Row r) {
            return ModelTraining.maxScore(scanner, r);
        }

        private static LinearTextModel read(Path file) {
            try (var in = Files.newInputStream(file)) {
                return LinearTextModel.read(in);
            } catch (java.io.IOException e) {
                System.err.println("error: cannot read " + file + ": " + e.getMessage());
                return null;
            }
        }

        private static boolean overlapFlags(GroundednessScanner scanner, PublicSets.Row r) {
            dev.sluice.guard.ScanContext ctx = new dev.sluice.guard.ScanContext(dev.sluice.guard.Direction.OUTPUT, "output",
                    "eval", null, "", null, List.of(r.context()), null);
            return scanner.scan(r.text(), ctx).stream().anyMatch(f -> f.score() >= 0.5);
        }

        private static double maxScore(ToxicityScanner scanner, PublicSets.Row r) {
            double s = 0;
            for (dev.sluice.guard.Finding f : scanner.scan(r.text(), dev.sluice.guard.ScanContext.of(
                    dev.sluice.guard.Direction.INPUT, "user"))) {
                s = Math.max(s, f.score());
            }
            return s;
        }
    }
}
