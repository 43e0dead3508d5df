package dev.sluice.guard.injection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.embed.Embedder;
import dev.sluice.guard.Folded;
import dev.sluice.guard.TextKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logistic regression over all-MiniLM-L6-v2 sentence embeddings, trained by
 * {@link ClassifierTrainer} on the labelled split committed in the repo
 * ({@code eval/injection-train.jsonl}); the weights ship as a resource, so start-up needs no
 * training and results are the same everywhere. Long texts are classified in overlapping windows
 * and the highest window counts (an injection hidden in the middle of a document). Scores are
 * cached by text, since conversations resend the same turns.
 */
public final class InjectionClassifier implements InjectionCascade.Reader {
    public static final String RESOURCE = "/dev/sluice/guard/injection-classifier.json";
    private static final int WINDOW = 1000;
    private static final int STEP = 800;
    private static final int MAX_WINDOWS = 8;
    private static final int CACHE_SIZE = 4096;

    private final Embedder embedder;
    private final float[] weights;
    private final double bias;
    private final double operatingPoint;
    private final Map<String, Double> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Double> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /** @param operatingPoint the probability that counts as "injection"; {@link #score} maps it to 0.5 */
    public InjectionClassifier(Embedder embedder, float[] weights, double bias, double operatingPoint) {
        this.embedder = embedder;
        this.weights = weights.clone();
        this.bias = bias;
        this.operatingPoint = operatingPoint;
    }

    /** The classifier shipped in the jar. */
    public static InjectionClassifier load(Embedder embedder) {
        try (InputStream in = InjectionClassifier.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the injection classifier is missing from the jar: " + RESOURCE);
            }
            JsonNode json = Json.MAPPER.readTree(in);
            JsonNode w = json.get("weights");
            float[] weights = new float[w.size()];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) w.get(i).asDouble();
            }
            return new InjectionClassifier(embedder, weights, json.get("bias").asDouble(),
                    json.path("operating_point").asDouble(0.5));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How strongly {@code text} looks like a prompt injection, 0..1, calibrated so that the
     * classifier's operating point (chosen on the dev split) is 0.5, the policies' default threshold.
     */
    public double score(String text) {
        return calibrate(rawScore(text));
    }

    double calibrate(double p) {
        return p >= operatingPoint ? 0.5 + 0.5 * (p - operatingPoint) / (1 - operatingPoint) : 0.5 * p / operatingPoint;
    }

    /** The highest window probability of {@code text}, read through case and look-alike folding. */
    @Override
    public double rawScore(String raw) {
        String text = Folded.fold(raw);
        String key = TextKey.of(text);
        synchronized (cache) {
            Double cached = cache.get(key);
            if (cached != null) {
                return cached;
            }
        }
        double best = 0;
        for (String window : windows(text)) {
            best = Math.max(best, probability(embedder.embed(window)));
        }
        synchronized (cache) {
            cache.put(key, best);
        }
        return best;
    }

    /**
     * The windows a (folded) text is read in: the whole text up to {@code WINDOW + STEP / 2} characters, else
     * overlapping windows of {@code WINDOW} characters every {@code STEP}, at most {@code MAX_WINDOWS}.
     */
    public static java.util.List<String> windows(String text) {
        if (text.length() <= WINDOW + STEP / 2) {
            return java.util.List.of(text);
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int start = 0; start < text.length() && out.size() < MAX_WINDOWS; start += STEP) {
            out.add(text.substring(start, Math.min(text.length(), start + WINDOW)));
        }
        return out;
    }

    double probability(float[] embedding) {
        double z = bias;
        for (int i = 0; i < weights.length; i++) {
            z += weights[i] * embedding[i];
        }
        return 1 / (1 + Math.exp(-z));
    }
}
