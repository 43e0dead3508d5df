package dev.sluice.cache;

import dev.sluice.config.CacheConfig;
import dev.sluice.embed.Embedder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Measures the semantic cache's decisions on a labelled set of question pairs: would the second
 * question be answered with the first one's cached answer? Uses exactly the production decision
 * (cosine similarity of all-MiniLM-L6-v2 embeddings at or above the threshold, then every
 * {@link QuestionGuard}). Reports the hit rate on paraphrases and the false-hit rate on pairs that
 * must not share an answer.
 *
 * <p>The built-in set ({@code pairs-dev.tsv}, used to tune the threshold and the guards, and
 * {@code pairs-test.tsv}, held out) is described in {@code eval/README.md} next to it.
 */
public final class CacheEval {
    public static final List<String> BUILT_IN = List.of("pairs-dev.tsv", "pairs-test.tsv");
    private static final String RESOURCE_DIR = "/dev/sluice/cache/eval/";

    /** One labelled pair. */
    public record Pair(String split, boolean shouldHit, String category, String cached, String incoming) {}

    /** The decision on one pair. */
    public record Outcome(Pair pair, double similarity, String guardReason, boolean hit) {
        public boolean correct() {
            return hit == pair.shouldHit();
        }
    }

    /** Rates for one group of pairs. */
    public record Rates(int paraphrases, int paraphraseHits, int others, int falseHits) {
        public double hitRate() {
            return paraphrases == 0 ? 0 : (double) paraphraseHits / paraphrases;
        }

        public double falseHitRate() {
            return others == 0 ? 0 : (double) falseHits / others;
        }
    }

    private final Embedder embedder;
    private final QuestionGuard guard;
    private final Map<String, float[]> vectors = new HashMap<>();

    public CacheEval(Embedder embedder) {
        this.embedder = embedder;
        this.guard = new QuestionGuard((a, b) -> Embedder.cosine(vector(a), vector(b)));
    }

    public static double defaultThreshold() {
        return CacheConfig.DEFAULT_THRESHOLD;
    }

    /** The built-in pairs, dev split then the held-out test split. */
    public static List<Pair> builtIn() {
        List<Pair> out = new ArrayList<>();
        for (String name : BUILT_IN) {
            try (InputStream in = CacheEval.class.getResourceAsStream(RESOURCE_DIR + name)) {
                if (in == null) {
                    throw new IllegalStateException("the evaluation set " + name + " is missing from the jar");
                }
                out.addAll(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    public static List<Pair> load(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /**
     * Tab-separated: {@code split, label (hit|miss), category, cached question, incoming question},
     * with a header line; blank lines and lines starting with # are skipped.
     */
    static List<Pair> parse(String tsv, String source) {
        List<Pair> out = new ArrayList<>();
        String[] lines = tsv.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("split\t")) {
                continue;
            }
            String[] f = lines[i].split("\t");
            if (f.length != 5 || !(f[1].equals("hit") || f[1].equals("miss"))) {
                throw new IllegalArgumentException(source + ":" + (i + 1)
                        + ": expected 5 tab-separated fields: split, hit|miss, category, cached, incoming");
            }
            out.add(new Pair(f[0].strip(), f[1].equals("hit"), f[2].strip(), f[3].strip(), f[4].strip()));
        }
        return out;
    }

    /** The cache's decision for every pair. */
    public List<Outcome> run(List<Pair> pairs, double threshold, boolean guards) {
        List<Outcome> out = new ArrayList<>(pairs.size());
        for (Pair p : pairs) {
            double s = Embedder.cosine(vector(p.cached()), vector(p.incoming()));
            String reason = null;
            if (s >= threshold && guards) {
                reason = guard.check(p.cached(), p.incoming());
            }
            out.add(new Outcome(p, s, reason, s >= threshold && reason == null));
        }
        return out;
    }

    public static Rates rates(List<Outcome> outcomes) {
        int para = 0;
        int paraHits = 0;
        int others = 0;
        int falseHits = 0;
        for (Outcome o : outcomes) {
            if (o.pair().shouldHit()) {
                para++;
                paraHits += o.hit() ? 1 : 0;
            } else {
                others++;
                falseHits += o.hit() ? 1 : 0;
            }
        }
        return new Rates(para, paraHits, others, falseHits);
    }

    /** Rates per split ("dev", "test"), in file order, plus "all". */
    public static Map<String, Rates> bySplit(List<Outcome> outcomes) {
        Map<String, List<Outcome>> groups = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            groups.computeIfAbsent(o.pair().split(), k -> new ArrayList<>()).add(o);
        }
        Map<String, Rates> out = new LinkedHashMap<>();
        groups.forEach((k, v) -> out.put(k, rates(v)));
        out.put("all", rates(outcomes));
        return out;
    }

    /** Pairs and wrong decisions per category. */
    public static Map<String, int[]> byCategory(List<Outcome> outcomes) {
        Map<String, int[]> out = new TreeMap<>();
        for (Outcome o : outcomes) {
            int[] c = out.computeIfAbsent(o.pair().category(), k -> new int[2]);
            c[0]++;
            c[1] += o.correct() ? 0 : 1;
        }
        return out;
    }

    private float[] vector(String text) {
        return vectors.computeIfAbsent(text, embedder::embed);
    }
}
