package dev.sluice.guard.eval;

import dev.sluice.guard.Direction;
import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import dev.sluice.guard.ScannerResources;
import dev.sluice.guard.injection.InjectionClassifier;
import dev.sluice.guard.injection.InjectionScanner;
import dev.sluice.guard.injection.InjectionScannerType;
import dev.sluice.guard.pii.PiiScanner;
import dev.sluice.guard.pii.PiiScannerType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Precision, recall and false-positive rate of the scanners on the labelled sets, as
 * {@code sluice guard eval} prints them. Injection: a text is positive when the scanner's score
 * reaches the threshold (the policy default, 0.5); documents are scanned as context (indirect).
 * PII: per entity type, an entity is found when a detection of that type overlaps it; a detection
 * overlapping no labelled entity of its type is a false positive, and the false-positive rate is
 * the share of texts without that type in which it fires.
 */
public final class GuardEvaluation {
    public static final double THRESHOLD = 0.5;
    static final List<String> PHONE_REGIONS = List.of("US", "GB", "DE", "FR");

    /**
     * Results of one injection component on one split, with recall per kind and false positives per kind, and the
     * thread CPU time a text cost it (after one warm-up scan, so a model's loading is not counted).
     */
    public record InjectionResult(String split, DetectionMetrics metrics, Map<String, int[]> byKind, List<String> misses,
                                  double cpuMsP50, double cpuMsP99) {}

    private GuardEvaluation() {}

    /** The rules alone, the default policy and the classifier's rows (when given); no opt-in cascade. */
    public static List<InjectionResult> injection(String split, InjectionClassifier classifier) {
        return injection(split, classifier, false);
    }

    /**
     * Every row is a scanner built by {@code prompt_injection}'s own factory from a policy's options, so "default" is
     * what a policy without options runs (user turns through the n-gram model, documents and tool results through the
     * document model) and each opt-in row is exactly that option switched on.
     *
     * @param optIn also the opt-in cascades, {@code tuned: true} and {@code tuned_documents: true} (each loads a
     *              fine-tuned MiniLM encoder: ~20 MB and a few seconds)
     */
    public static List<InjectionResult> injection(String split, InjectionClassifier classifier, boolean optIn) {
        List<Datasets.InjectionExample> examples = Datasets.injection(split);
        List<InjectionResult> out = new ArrayList<>();
        try (ScannerResources resources = ScannerResources.standalone(dev.sluice.embed.Embedder::new)) {
            out.add(injection(split, "prompt_injection (rules only)", policy(resources, "{model: false}"), examples));
            out.add(injection(split, "prompt_injection (rules + model, default)", policy(resources, "{}"), examples));
            if (optIn) {
                out.add(injection(split, "prompt_injection (tuned: true)", policy(resources, "{tuned: true}"), examples));
                out.add(injection(split, "prompt_injection (tuned_documents: true)", policy(resources, "{tuned_documents: true}"),
                        examples));
            }
        }
        if (classifier != null) {
            out.add(injection(split, "prompt_injection (classifier only)", new InjectionScanner(false, null, () -> classifier), examples));
            out.add(injection(split, "prompt_injection (rules + classifier)", new InjectionScanner(true, null, () -> classifier), examples));
        }
        return out;
    }

    /** {@code prompt_injection} as a policy with these options (YAML) builds it. */
    private static Scanner policy(ScannerResources resources, String options) {
        InjectionScannerType.Options o = InjectionScannerType.TYPE.options()
                .read(dev.sluice.config.YamlNode.parse(options, "sluice guard eval"));
        return InjectionScannerType.TYPE.factory().create(o, resources);
    }

    private static double score(Scanner scanner, Datasets.InjectionExample e) {
        return ModelTraining.maxScore(scanner, e.text(), e.channel());
    }

    private static InjectionResult injection(String split, String name, Scanner scanner, List<Datasets.InjectionExample> examples) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int tn = 0;
        Map<String, int[]> byKind = new TreeMap<>();
        List<String> misses = new ArrayList<>();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        if (!examples.isEmpty()) {
            // the models load on the first scan that needs them: once per text kind, not counted
            examples.stream().filter(e -> e.channel().equals("document")).findFirst().ifPresent(e -> score(scanner, e));
            score(scanner, examples.getFirst());
        }
        long[] cpu = new long[examples.size()];
        int i = 0;
        for (Datasets.InjectionExample e : examples) {
            long start = threads.getCurrentThreadCpuTime();
            double score = score(scanner, e);
            cpu[i++] = threads.getCurrentThreadCpuTime() - start;
            boolean hit = score >= THRESHOLD;
            if (hit != e.injection()) {
                misses.add((e.injection() ? "missed  " : "false + ") + String.format(java.util.Locale.ROOT, "%.2f ", score)
                        + e.kind() + ": " + e.text().replace("\n", " "));
            }
            int[] k = byKind.computeIfAbsent((e.injection() ? "injection/" : "benign/") + e.kind(), x -> new int[2]);
            k[1]++;
            if (hit) {
                k[0]++;
            }
            if (e.injection()) {
                if (hit) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (hit) {
                fp++;
            } else {
                tn++;
            }
        }
        java.util.Arrays.sort(cpu);
        return new InjectionResult(split, new DetectionMetrics(name, tp, fp, fn, fp + tn, fp), byKind, misses,
                percentileMs(cpu, 50), percentileMs(cpu, 99));
    }

    /** The nearest-rank percentile of sorted nanoseconds, in milliseconds (0 for none). */
    private static double percentileMs(long[] sortedNanos, double percent) {
        return sortedNanos.length == 0 ? 0
                : sortedNanos[dev.sluice.analytics.Percentiles.nearestRankIndex(percent, sortedNanos.length)] / 1e6;
    }

    /** Per entity type metrics of the default PII scanner on a split. */
    public static List<DetectionMetrics> pii(String split) {
        return pii(split, new ArrayList<>());
    }

    /** Like {@link #pii(String)}, also listing each miss and false positive in {@code misses}. */
    public static List<DetectionMetrics> pii(String split, List<String> misses) {
        return pii(Datasets.pii(split), misses);
    }

    /** Per entity type metrics of the default PII scanner on {@code examples}, listing misses and false positives. */
    public static List<DetectionMetrics> pii(List<Datasets.PiiExample> examples, List<String> misses) {
        PiiScanner scanner = PiiScanner.of(PiiScannerType.ENTITIES, PHONE_REGIONS, List.of());
        Map<String, int[]> counts = new LinkedHashMap<>(); // tp, fp, fn, textsWithout, textsWithoutFiring
        for (String type : PiiScannerType.ENTITIES) {
            counts.put(type, new int[5]);
        }
        ScanContext context = ScanContext.of(Direction.INPUT, "user");
        for (Datasets.PiiExample e : examples) {
            List<Finding> found = scanner.scan(e.text(), context);
            for (String type : PiiScannerType.ENTITIES) {
                int[] c = counts.get(type);
                List<int[]> labelled = new ArrayList<>();
                for (Datasets.Entity ent : e.entities()) {
                    if (ent.type().equals(type)) {
                        int at = e.text().indexOf(ent.value());
                        labelled.add(new int[] {at, at + ent.value().length()});
                    }
                }
                List<Finding> detected = found.stream().filter(f -> f.type().equals(type)).toList();
                for (int[] span : labelled) {
                    boolean hit = detected.stream().anyMatch(f -> f.start() < span[1] && span[0] < f.end());
                    c[hit ? 0 : 2]++;
                    if (!hit) {
                        misses.add("missed  " + type + ": " + e.text());
                    }
                }
                for (Finding f : detected) {
                    boolean matches = labelled.stream().anyMatch(span -> f.start() < span[1] && span[0] < f.end());
                    if (!matches) {
                        c[1]++;
                        misses.add("false + " + type + " '" + e.text().substring(f.start(), f.end()) + "': " + e.text());
                    }
                }
                if (labelled.isEmpty()) {
                    c[3]++;
                    if (!detected.isEmpty()) {
                        c[4]++;
                    }
                }
            }
        }
        List<DetectionMetrics> out = new ArrayList<>();
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            out.add(new DetectionMetrics(e.getKey(), c[0], c[1], c[2], c[3], c[4]));
        }
        return out;
    }
}
