package dev.sluice.quality.drift;

import dev.sluice.alert.DriftSource;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatResponse;
import dev.sluice.embed.Embedder;
import dev.sluice.pipeline.Exchange;
import dev.sluice.quality.AnswerConsumer;
import dev.sluice.quality.BackgroundQueue;
import dev.sluice.quality.PerMinuteCap;
import dev.sluice.quality.Refusals;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Input and output drift per public model. A completion listener samples answered chat requests
 * (a share of them, at most so many a minute), notes what is cheap on the request's thread, and
 * hands the prompt to one background thread that embeds it (the client never waits for it) and adds
 * the sample to the model's time buckets. Figures compare the recent window with the baseline window
 * before it ({@link Figures}); alert rules with {@code metric: drift} read them. Per node: each node
 * compares the traffic it sees, which behind a load balancer is a sample of the same stream.
 */
public final class DriftMonitor implements AnswerConsumer, DriftSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DriftMonitor.class);
    /** Buckets per horizon: figures are exact to about horizon / 240. */
    static final int BUCKETS = 240;
    /** Models tracked; requests for others (beyond the config's models) are not sampled. */
    static final int MAX_MODELS = 256;
    /** Characters of the last user message that are embedded (the model reads ~256 tokens anyway). */
    static final int EMBED_CHARS = 2_000;

    private final Embedder embedder;
    private final Clock clock;
    private final double sampleRate;
    private final PerMinuteCap cap;
    private final long horizonMillis;
    private final long bucketMillis;
    private final Map<String, NavigableMap<Long, Window>> models = new ConcurrentHashMap<>();
    private final BackgroundQueue<Pending> queue;

    /** A sampled request whose prompt is still to be embedded. */
    private record Pending(String model, long at, String prompt, int promptTokens, int outputTokens, boolean refusal,
                           boolean toolCall, String finish) {}

    public DriftMonitor(Embedder embedder, Clock clock, double sampleRate, int maxPerMinute, Duration horizon) {
        this.embedder = embedder;
        this.clock = clock;
        this.sampleRate = sampleRate;
        this.cap = new PerMinuteCap(maxPerMinute);
        this.horizonMillis = horizon.toMillis();
        this.bucketMillis = Math.max(1_000, horizonMillis / BUCKETS);
        this.queue = new BackgroundQueue<>("sluice-drift", 1_000, 1, this::embed);
    }

    @Override
    public boolean sample(Exchange ex) {
        String model = ex.requestedModel();
        if (ex.chat() == null || model == null || (!models.containsKey(model) && models.size() >= MAX_MODELS)) {
            return false;
        }
        return sampled();
    }

    @Override
    public void answered(Exchange ex, ChatResponse answer) {
        String model = ex.requestedModel();
        String prompt = ex.chat().lastUserText();
        if (prompt == null) {
            List<ChatMessage> messages = ex.chat().messages();
            prompt = messages.isEmpty() ? "" : messages.getLast().text();
        }
        String text = answer.text();
        boolean toolCall = !answer.choices().isEmpty()
                && !answer.choices().getFirst().message().toolCalls().isEmpty();
        String finish = ex.finishReasons().isEmpty() || ex.finishReasons().getFirst() == null ? "none"
                : ex.finishReasons().getFirst();
        int outputTokens = ex.usage() == null ? -1 : ex.usage().completionTokens();
        Pending p = new Pending(model, clock.millis(), prompt.length() > EMBED_CHARS ? prompt.substring(0, EMBED_CHARS) : prompt,
                (prompt.length() + 3) / 4, outputTokens, text != null && Refusals.isRefusal(text),
                toolCall || "tool_calls".equals(finish), finish);
        queue.offer(p);
    }

    /** The sampling decision: a share of requests, at most {@code maxPerMinute} a minute. */
    private boolean sampled() {
        if (sampleRate < 1 && ThreadLocalRandom.current().nextDouble() >= sampleRate) {
            return false;
        }
        return cap.take(clock.millis());
    }

    /** On the background thread: the prompt's embedding, then the sample into its bucket. */
    private void embed(Pending p) {
        try {
            float[] embedding = embedder.embed(p.prompt().isBlank() ? "(empty)" : p.prompt());
            add(new Sample(p.model(), p.at(), embedding, p.promptTokens(), Languages.detect(p.prompt()),
                    p.outputTokens(), p.refusal(), p.toolCall(), p.finish()));
        } catch (RuntimeException e) {
            LOG.warn("drift: could not sample a request of {}: {}", p.model(), e.getMessage());
        }
    }

    void add(Sample s) {
        NavigableMap<Long, Window> buckets = models.computeIfAbsent(s.model(), m -> new TreeMap<>());
        synchronized (buckets) {
            buckets.computeIfAbsent(s.at() / bucketMillis, b -> new Window(Embedder.DIMENSIONS)).add(s);
            buckets.headMap((s.at() - horizonMillis) / bucketMillis, false).clear();
        }
    }

    /** Waits (up to {@code timeout}) until every sampled request has been added; for tests and the demo. */
    public boolean awaitIdle(Duration timeout) {
        return queue.awaitIdle(timeout);
    }

    @Override
    public Reading read(String figure, String model, Duration recent, Duration baseline, long now) {
        Window r = new Window(Embedder.DIMENSIONS);
        Window b = new Window(Embedder.DIMENSIONS);
        long recentStart = now - recent.toMillis();
        long baselineStart = recentStart - baseline.toMillis();
        List<NavigableMap<Long, Window>> chosen = new ArrayList<>();
        if (model == null) {
            chosen.addAll(models.values());
        } else if (models.containsKey(model)) {
            chosen.add(models.get(model));
        }
        for (NavigableMap<Long, Window> buckets : chosen) {
            synchronized (buckets) {
                for (Map.Entry<Long, Window> e : buckets.subMap(baselineStart / bucketMillis, true, now / bucketMillis, true).entrySet()) {
                    long start = e.getKey() * bucketMillis;
                    (start >= recentStart / bucketMillis * bucketMillis ? r : b).addAll(e.getValue());
                }
            }
        }
        Map<String, Double> figures = Figures.compare(r, b);
        Map<String, Object> shown = new LinkedHashMap<>(figures);
        shown.put("recent_samples", r.count);
        shown.put("baseline_samples", b.count);
        return new Reading(figures.getOrDefault(figure, 0.0), r.count, b.count, shown);
    }

    /** Sampled requests that were dropped because the embedding thread was behind. */
    public long dropped() {
        return queue.dropped();
    }

    @Override
    public void close() {
        queue.close();
    }
}
