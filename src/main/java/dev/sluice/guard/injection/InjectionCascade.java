package dev.sluice.guard.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.embed.Embedder;
import dev.sluice.guard.ReaderSlots;
import dev.sluice.guard.ngram.LinearTextModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * How user turns are scored with {@code head: true} (opt-in; the default is the n-gram model alone): the n-gram model ({@link InjectionModel}) decides the clear
 * cases alone, and only a text whose n-gram probability reaches the {@code band} (about 2% of benign
 * validation prompts, 94% of the attacks) is also read by a logistic head on its all-MiniLM-L6-v2
 * embeddings ({@link InjectionClassifier}, trained on the public train split by
 * {@code sluice guard train-model --task injection-head}). The two are combined in log-odds,
 * {@code ngramWeight * logit(p_ngram) + (1 - ngramWeight) * logit(p_head)}, and that probability is
 * judged at an operating point chosen on the validation split. The head sees paraphrases the n-grams
 * have not (val: CyberSecEval's English attacks 9 to 14 of 29, in-the-wild jailbreaks 126 to 130 of 139)
 * and vetoes n-gram hits whose meaning is ordinary; the band keeps the embedding's cost off the
 * ordinary traffic. Thread-safe (the head caches scores by text).
 */
public final class InjectionCascade {
    public static final String RESOURCE = "/dev/sluice/guard/injection-head.json";
    /** The cascade's settings with the fine-tuned encoder ({@link TunedInjectionEncoder}) as the second reader ({@code tuned: true}). */
    public static final String TUNED_RESOURCE = "/dev/sluice/guard/injection-tuned.json";
    /** The documents' cascade settings ({@code tuned_documents: true}; run s13-3, chosen on val). */
    public static final String TUNED_DOCUMENTS_RESOURCE = "/dev/sluice/guard/injection-documents-tuned.json";

    /** The second reader of the uncertain user turns: a probability 0..1 that the text is an injection. */
    public interface Reader {
        double rawScore(String text);

        /** Loads what the reader needs, if it loads lazily; called before a reading is admitted ({@link ReaderSlots}). */
        default void prepare() {}
    }

    private final LinearTextModel model;
    private final java.util.function.ToDoubleFunction<String> ngram;
    /** The n-gram verdict alone (0.5 = its own operating point): what stands when the second reader is skipped. */
    private final java.util.function.ToDoubleFunction<String> alone;
    private final boolean keepNgram;
    private final Reader head;
    private final double ngramWeight;
    private final double band;
    private final double operatingPoint;

    public InjectionCascade(LinearTextModel model, Reader head, double ngramWeight, double band,
                            double operatingPoint) {
        this(model, model::probability, model::score, false, head, ngramWeight, band, operatingPoint);
    }

    /**
     * @param ngram     the n-gram reading of a text (a probability, or for documents the document model's calibrated score)
     * @param keepNgram whatever the combination says, a text {@code ngram} scores at 0.5 or more keeps that score (the
     *                  second reader adds findings and vetoes none)
     */
    InjectionCascade(LinearTextModel model, java.util.function.ToDoubleFunction<String> ngram,
                     java.util.function.ToDoubleFunction<String> alone, boolean keepNgram, Reader head,
                     double ngramWeight, double band, double operatingPoint) {
        if (!(ngramWeight > 0 && ngramWeight <= 1) || !(band >= 0 && band < 1) || !(operatingPoint > 0 && operatingPoint < 1)) {
            throw new IllegalArgumentException("bad cascade settings: weight " + ngramWeight + ", band " + band
                    + ", operating point " + operatingPoint);
        }
        this.model = model;
        this.ngram = ngram;
        this.alone = alone;
        this.keepNgram = keepNgram;
        this.head = head;
        this.ngramWeight = ngramWeight;
        this.band = band;
        this.operatingPoint = operatingPoint;
    }

    /** The shipped head over the given user-turn model. */
    public static InjectionCascade load(LinearTextModel model, Embedder embedder) {
        return fromJson(shipped(RESOURCE, "the injection head"), model, embedder);
    }

    /** The shipped settings with the fine-tuned encoder as the second reader ({@code tuned: true}). */
    public static InjectionCascade loadTuned(LinearTextModel model, TunedInjectionEncoder encoder) {
        return withReader(shipped(TUNED_RESOURCE, "the tuned cascade's settings"), model, encoder);
    }

    /**
     * The shipped documents' cascade ({@code tuned_documents: true}) over the given document model and reader; the reader
     * reads a document's windows as {@link #documentReader} chooses them.
     */
    public static InjectionCascade loadTunedDocuments(LinearTextModel documentModel, TunedInjectionEncoder encoder) {
        JsonNode settings = shipped(TUNED_DOCUMENTS_RESOURCE, "the documents' cascade settings");
        return documentsWithReader(settings, documentModel, documentReader(documentModel, encoder,
                TunedInjectionEncoder.DOCUMENT_READ_WINDOWS, settings.get("band").asDouble()));
    }

    /**
     * As {@link #loadTunedDocuments(LinearTextModel, TunedInjectionEncoder)}, the reader loaded only when a document first
     * reaches the band (a gateway whose documents and tool results never do, such as short tool results, does not pay
     * its load time and ~120 MB of memory).
     */
    public static InjectionCascade loadTunedDocuments(LinearTextModel documentModel,
                                                      java.util.function.Supplier<TunedInjectionEncoder> encoder) {
        JsonNode settings = shipped(TUNED_DOCUMENTS_RESOURCE, "the documents' cascade settings");
        double band = settings.get("band").asDouble();
        Reader lazy = new Reader() {
            private volatile TunedInjectionEncoder reader;

            private TunedInjectionEncoder reader() {
                TunedInjectionEncoder r = reader;
                if (r == null) {
                    synchronized (this) {
                        r = reader;
                        if (r == null) {
                            reader = r = documentReader(documentModel, encoder.get(), TunedInjectionEncoder.DOCUMENT_READ_WINDOWS, band);
                        }
                    }
                }
                return r;
            }

            @Override
            public double rawScore(String text) {
                return reader().rawScore(text);
            }

            @Override
            public void prepare() {
                reader();
            }
        };
        return documentsWithReader(settings, documentModel, lazy);
    }

    /**
     * {@code encoder} reading, of a document's windows, only those whose own text the document model scores at least
     * {@code band} ({@link LinearTextModel#scoreDocument}: the score from which the cascade reads a document at all), at
     * most {@code read} of them, highest first; when none does (the document reached the band through text spanning
     * windows), the one it scores highest. Session 17, chosen on val (/work/coord/readers17.md): against the 3 windows
     * of highest n-gram logit (session 15), 529 instead of 531 of 709 val document attacks at the same 11 of 658 benign
     * flagged, with 31% fewer windows read on the benign val documents in the band (547 to 376).
     */
    public static TunedInjectionEncoder documentReader(LinearTextModel documentModel, TunedInjectionEncoder encoder, int read,
                                                       double band) {
        return encoder.readingTopWindows(documentModel::scoreDocument, read, band);
    }

    /** The shipped documents' cascade settings ({@code tuned_documents: true}), for tools that build it with their own reader. */
    public static com.fasterxml.jackson.databind.JsonNode shippedTunedDocumentsSettings() {
        return shipped(TUNED_DOCUMENTS_RESOURCE, "the documents' cascade settings");
    }

    /** A settings file shipped in the jar, parsed; {@code what} names it when it is missing. */
    private static com.fasterxml.jackson.databind.JsonNode shipped(String resource, String what) {
        try (InputStream in = InjectionCascade.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(what + " missing from the jar: " + resource);
            }
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A documents' cascade (measured by {@code sluice guard eval-public --tuned-documents}; runs s11-1, s13-1, s13-3): the
     * document model's calibrated score ({@link LinearTextModel#scoreDocument}) as the
     * n-gram reading, {@code reader} as the second; {@code keepNgram}: the document model's own findings stand.
     */
    public static InjectionCascade forDocuments(LinearTextModel documentModel, Reader reader, double ngramWeight, double band,
                                                double operatingPoint, boolean keepNgram) {
        return new InjectionCascade(documentModel, documentModel::scoreDocument, documentModel::scoreDocument, keepNgram, reader,
                ngramWeight, band, operatingPoint);
    }

    /** A documents' cascade with the settings ({@code ngram_weight}, {@code band}, {@code operating_point}, {@code keep_ngram}) of {@code json}. */
    public static InjectionCascade documentsWithReader(JsonNode json, LinearTextModel documentModel, Reader reader) {
        return forDocuments(documentModel, reader, json.get("ngram_weight").asDouble(), json.get("band").asDouble(),
                json.get("operating_point").asDouble(), json.path("keep_ngram").asBoolean(false));
    }

    /** A cascade with the settings ({@code ngram_weight}, {@code band}, {@code operating_point}) of {@code json} and any reader. */
    public static InjectionCascade withReader(JsonNode json, LinearTextModel model, Reader reader) {
        return new InjectionCascade(model, reader, json.get("ngram_weight").asDouble(), json.get("band").asDouble(),
                json.get("operating_point").asDouble());
    }

    public static InjectionCascade fromJson(JsonNode json, LinearTextModel model, Embedder embedder) {
        JsonNode w = json.get("weights");
        float[] weights = new float[w.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) w.get(i).asDouble();
        }
        InjectionClassifier head = new InjectionClassifier(embedder, weights, json.get("bias").asDouble(), 0.5);
        return new InjectionCascade(model, head, json.get("ngram_weight").asDouble(), json.get("band").asDouble(),
                json.get("operating_point").asDouble());
    }

    /** The combined probability of {@code text}; below the band the n-gram probability alone (no embedding). */
    public double probability(String text) {
        double p = ngram.applyAsDouble(text);
        return p < band ? p : combine(p, head.rawScore(text));
    }

    /**
     * The combined probability mapped so that the operating point is 0.5 (the policies' default threshold); with
     * {@code keepNgram}, at least the n-gram reading when that reaches 0.5.
     */
    public double score(String text) {
        return judge(text).score();
    }

    /**
     * A text's score ({@link #score}), and whether the second reader was skipped for it: within a request's scan the
     * reading waits for a slot ({@link ReaderSlots}), and when it could not end within the scan budget the n-gram verdict
     * alone stands (the n-gram model's own score, 0.5 at its own operating point).
     */
    public record Judgement(double score, boolean readerSkipped) {}

    /** See {@link Judgement}. */
    public Judgement judge(String text) {
        double n = ngram.applyAsDouble(text);
        double p = n;
        if (n >= band) {
            head.prepare();   // outside the reader slot: loading is not a reading's time (and a scan's budget does not count it)
            java.util.OptionalDouble read = ReaderSlots.read(() -> head.rawScore(text));
            if (read.isEmpty()) {
                return new Judgement(alone.applyAsDouble(text), true);
            }
            p = combine(n, read.getAsDouble());
        }
        double s = p >= operatingPoint ? 0.5 + 0.5 * (p - operatingPoint) / (1 - operatingPoint) : 0.5 * p / operatingPoint;
        return new Judgement(keepNgram && n >= 0.5 ? Math.max(s, n) : s, false);
    }

    public boolean keepNgram() {
        return keepNgram;
    }

    double combine(double ngram, double embedding) {
        double z = ngramWeight * logit(ngram) + (1 - ngramWeight) * logit(embedding);
        return 1 / (1 + Math.exp(-z));
    }

    /** Probabilities are clipped to [1e-9, 1 - 1e-9] so one confident reader cannot make the other irrelevant. */
    static double logit(double p) {
        double q = Math.min(1 - 1e-9, Math.max(1e-9, p));
        return Math.log(q / (1 - q));
    }

    public double band() {
        return band;
    }

    public double operatingPoint() {
        return operatingPoint;
    }

    public double ngramWeight() {
        return ngramWeight;
    }

    public LinearTextModel model() {
        return model;
    }

    /** The head's weights and the cascade's settings, as the resource stores them. */
    public static ObjectNode toJson(float[] weights, double bias, double ngramWeight, double band, double operatingPoint,
                                    ObjectNode header) {
        ObjectNode json = header.deepCopy();
        json.put("ngram_weight", ngramWeight);
        json.put("band", band);
        json.put("operating_point", operatingPoint);
        json.put("bias", bias);
        ArrayNode a = json.putArray("weights");
        for (float v : weights) {
            a.add(v);
        }
        return json;
    }
}
