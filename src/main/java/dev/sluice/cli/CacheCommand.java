package dev.sluice.cli;

import dev.sluice.cache.CacheEval;
import dev.sluice.embed.Embedder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice cache ...}: tools for the response cache. */
@Command(name = "cache", mixinStandardHelpOptions = true, description = "Response cache tools.",
        subcommands = {CacheCommand.Eval.class})
final class CacheCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** {@code sluice cache eval}: hit rate on paraphrases and false-hit rate on look-alikes. */
    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Measure the semantic cache on labelled question pairs: paraphrase hit rate and false-hit rate.")
    static final class Eval implements Callable<Integer> {
        @Option(names = "--threshold", description = "Similarity threshold (default: the built-in default, ${DEFAULT-VALUE}).",
                defaultValue = "-1")
        double threshold;

        @Option(names = "--file", description = "A TSV of pairs (split, hit|miss, category, cached, incoming) instead of the built-in set.")
        Path file;

        @Option(names = "--split", description = "Only this split (e.g. dev or test).")
        String split;

        @Option(names = "--no-guards", description = "Similarity alone, without the false-hit guards.")
        boolean noGuards;

        @Option(names = "--sweep", description = "Also report rates for thresholds from 0.70 to 0.98.")
        boolean sweep;

        @Option(names = {"-v", "--verbose"}, description = "List every wrong decision.")
        boolean verbose;

        @Override
        public Integer call() throws Exception {
            double t = threshold < 0 ? CacheEval.defaultThreshold() : threshold;
            List<CacheEval.Pair> pairs = file == null ? CacheEval.builtIn() : CacheEval.load(file);
            if (split != null) {
                pairs = pairs.stream().filter(p -> p.split().equals(split)).toList();
            }
            if (pairs.isEmpty()) {
                System.err.println("error: no pairs to evaluate");
                return 2;
            }
            CacheEval eval = new CacheEval(new Embedder());
            List<CacheEval.Outcome> outcomes = eval.run(pairs, t, !noGuards);
            System.out.printf(Locale.ROOT, "Semantic cache evaluation: %d pairs (%s), threshold %.2f, guards %s%n%n",
                    pairs.size(), file == null ? "built-in set" : file, t, noGuards ? "off" : "on");
            System.out.println("split   paraphrases  hit rate   look-alikes  false-hit rate");
            for (Map.Entry<String, CacheEval.Rates> e : CacheEval.bySplit(outcomes).entrySet()) {
                CacheEval.Rates r = e.getValue();
                System.out.printf(Locale.ROOT, "%-7s %11d  %7.1f%%   %11d  %13.1f%%%n", e.getKey(), r.paraphrases(),
                        100 * r.hitRate(), r.others(), 100 * r.falseHitRate());
            }
            System.out.println();
            System.out.println("category      pairs  wrong");
            CacheEval.byCategory(outcomes).forEach((k, v) -> System.out.printf(Locale.ROOT, "%-12s %6d %6d%n", k, v[0], v[1]));
            if (sweep) {
                System.out.println();
                System.out.println("threshold  hit rate  false-hit rate   (all pairs, guards " + (noGuards ? "off" : "on") + ")");
                for (int i = 70; i <= 98; i += 2) {
                    CacheEval.Rates r = CacheEval.rates(eval.run(pairs, i / 100.0, !noGuards));
                    System.out.printf(Locale.ROOT, "%9.2f  %7.1f%%  %13.1f%%%n", i / 100.0, 100 * r.hitRate(),
                            100 * r.falseHitRate());
                }
            }
            if (verbose) {
                System.out.println();
                List<CacheEval.Outcome> wrong = new ArrayList<>(outcomes.stream().filter(o -> !o.correct()).toList());
                System.out.println("wrong decisions: " + wrong.size());
                for (CacheEval.Outcome o : wrong) {
                    System.out.printf(Locale.ROOT, "  [%s %s] %.3f %s%n      %s%n      %s%n", o.pair().split(),
                            o.pair().category(), o.similarity(), o.hit() ? "HIT (should miss)"
                                    : "miss" + (o.guardReason() == null ? " (below threshold)" : " (" + o.guardReason() + ")"),
                            o.pair().cached(), o.pair().incoming());
                }
            }
            return 0;
        }
    }
}
