package dev.sluice.prompts;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChunkChoice;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.ObservedChunkStream;
import dev.sluice.api.SluiceException;
import dev.sluice.api.Usage;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.PromptUse;
import dev.sluice.pipeline.Reply;
import dev.sluice.prompts.rollout.ExperimentRow;
import dev.sluice.prompts.rollout.ExperimentStore;
import dev.sluice.prompts.rollout.Experiments;
import dev.sluice.prompts.rollout.ShadowConfig;
import dev.sluice.prompts.rollout.ShadowGate;
import dev.sluice.prompts.rollout.ShadowResults;
import dev.sluice.prompts.rollout.TextSimilarity;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow traffic: after a production request of a shadowed subject ({@code prompt:NAME} or
 * {@code model:NAME}) is answered, a copy goes, on a virtual thread of its own, to the candidate
 * (a prompt version, rendered with the request's variables, or a model). The client's answer is
 * never changed or delayed: the copy starts after the production answer's last byte was written
 * (from a completion listener; a stream is only watched as it goes by), at most {@link #MAX_IN_FLIGHT} copies run at once (more are dropped,
 * and counted), and each shadow is capped by its {@link ShadowGate} (sampled share, budget, rate).
 * A copy runs through the router-only pipeline, so its cost is settled like any request's; it is
 * logged in the request log as {@code <request id>-shadow} (variant {@code shadow}, tag {@code shadow=<id>}) under the
 * production request's key, team and end user, its cost added to their budgets ({@link #chargeTo}), and its result
 * stored in {@code shadow_results} with latency, tokens, cost and similarity to the production answer.
 */
public final class Shadows implements PromptStage.Tap {
    /** Candidate calls in flight at once on this instance. */
    public static final int MAX_IN_FLIGHT = 32;
    public static final String VARIANT = "shadow";
    private volatile java.util.function.Consumer<Exchange> spend = ex -> { };
    private static final String PROMPT = "prompt:";
    private static final Logger LOG = LoggerFactory.getLogger(Shadows.class);

    private record Running(String id, ShadowConfig config, ShadowGate gate) {}

    private final ExperimentStore store;
    private final ShadowResults results;
    private final PromptResolver resolver;
    private final PromptRenderer renderer;
    private final Function<Exchange, Reply> pipeline;
    private final Exchange.CompletionListener log;
    private final Clock clock;
    private final FreshCache<String, List<Running>> bySubject;
    private final Map<String, ShadowGate> gates = new ConcurrentHashMap<>();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param pipeline runs a copy (the router alone) and settles its cost
     * @param log      the request log's listener
     */
    public Shadows(ExperimentStore store, ShadowResults results, PromptResolver resolver, PromptRenderer renderer,
                   Function<Exchange, Reply> pipeline, Exchange.CompletionListener log, Clock clock, Duration freshness) {
        this.store = store;
        this.results = results;
        this.resolver = resolver;
        this.renderer = renderer;
        this.pipeline = pipeline;
        this.log = log;
        this.clock = clock;
        this.bySubject = new FreshCache<>(10_000, freshness, this::load);
    }

    /** Where a settled copy's cost goes besides its shadow's budget: the caller's key, team and user budgets. */
    public void chargeTo(java.util.function.Consumer<Exchange> spend) {
        this.spend = spend;
    }

    @Override
    public Reply served(Exchange ex, ChatRequest original, PromptCall call, Reply reply) {
        String subject = call != null ? PROMPT + call.name() : original.model() == null ? null : "model:" + original.model();
        if (subject == null || reply instanceof Reply.Failure) {
            return reply; // a failed production request has no answer to compare with
        }
        List<Running> running = bySubject.get(subject);
        if (running.isEmpty()) {
            return reply;
        }
        List<Running> admitted = new ArrayList<>(1);
        for (Running r : running) {
            if (r.gate().admit(ex.requestId()) == ShadowGate.Verdict.SEND) {
                admitted.add(r);
            }
        }
        if (admitted.isEmpty()) {
            return reply;
        }
        // the copies start once the answer has been written (completion listeners run after the last byte)
        return switch (reply) {
            case Reply.Chat chat -> {
                String text = chat.response().text();
                ex.onComplete(done -> launch(admitted, done, original, call, done.status() < 400 ? text : null));
                yield reply;
            }
            case Reply.Stream stream -> {
                Watched watched = new Watched(stream.chunks());
                ex.onComplete(done -> launch(admitted, done, original, call, watched.answer()));
                yield new Reply.Stream(watched);
            }
            default -> reply;
        };
    }

    /** Copies dropped because {@link #MAX_IN_FLIGHT} were running. */
    public long dropped() {
        return dropped.get();
    }

    /** Forgets the cached shadows of a subject (after a start or stop here). */
    public void invalidate(String subject) {
        bySubject.invalidate(subject);
    }

    private void launch(List<Running> admitted, Exchange ex, ChatRequest original, PromptCall call, String production) {
        if (production == null) {
            return; // the answer failed or was cut short: nothing to compare with
        }
        for (Running r : admitted) {
            if (!inFlight.tryAcquire()) {
                dropped.incrementAndGet();
                continue;
            }
            String requestId = ex.requestId();
            dev.sluice.pipeline.Caller caller = ex.caller();
            Map<String, String> tags = ex.tags();
            Thread.ofVirtual().name("sluice-shadow").start(() -> {
                try {
                    copy(r, requestId, caller, tags, original, call, production);
                } catch (RuntimeException e) {
                    LOG.warn("shadow {} of request {} failed: {}", r.id(), requestId, e.toString());
                } finally {
                    inFlight.release();
                }
            });
        }
    }

    private void copy(Running r, String requestId, dev.sluice.pipeline.Caller caller, Map<String, String> productionTags,
                      ChatRequest original, PromptCall call, String production) {
        Exchange sx = new Exchange(requestId + "-shadow", Exchange.Operation.CHAT, Map.of());
        // the copy is the caller's spend: logged under their key, team and end user, marked as a shadow
        sx.caller(caller);
        java.util.Map<String, String> tags = new java.util.LinkedHashMap<>(productionTags);
        tags.put(VARIANT, r.id());
        sx.tags(tags);
        String candidate = r.config().candidate();
        long started = System.nanoTime();
        Reply reply;
        try {
            ChatRequest request;
            if (call != null) {
                PromptVersion v = resolver.version(resolver.prompt(call.name()), Integer.parseInt(candidate));
                request = PromptRequests.apply(original, v, call.variables(), renderer);
                sx.prompt(new PromptUse(call.name(), v.version(), r.id(), VARIANT, null));
            } else {
                request = original.withModel(candidate);
                sx.prompt(new PromptUse(null, 0, r.id(), VARIANT, null));
            }
            sx.chat(unstreamed(request));
            sx.onComplete(log);
            reply = pipeline.apply(sx);
        } catch (SluiceException e) {
            reply = Reply.fail(e);
        }
        String answer = null;
        String errorType = null;
        int status = 200;
        if (reply instanceof Reply.Chat chat) {
            answer = chat.response().text();
        } else if (reply instanceof Reply.Failure f) {
            status = f.error().status();
            errorType = f.error().code() != null ? f.error().code() : f.error().type();
        }
        sx.complete(status, errorType);
        long latencyMs = (System.nanoTime() - started) / 1_000_000;
        Double cost = sx.costUsd();
        if (cost != null) {
            r.gate().spent(cost);
            try {
                spend.accept(sx);
            } catch (RuntimeException e) {
                LOG.warn("shadow {} of request {}: its cost could not be added to the caller's budgets: {}", r.id(),
                        requestId, e.toString());
            }
        }
        Usage usage = sx.usage();
        Double similarity = answer == null || production == null ? null : TextSimilarity.cosine(production, answer);
        results.insert(new ShadowResults.Result(r.id(), requestId, clock.millis(), candidate, status, errorType, latencyMs,
                usage == null ? null : (long) usage.promptTokens(), usage == null ? null : (long) usage.completionTokens(),
                cost, similarity));
    }

    private static ChatRequest unstreamed(ChatRequest r) {
        return new ChatRequest(r.model(), r.messages(), false, false, r.tools(), r.toolChoice(), r.responseFormat(), r.n(),
                r.stop(), r.seed(), r.temperature(), r.topP(), r.maxTokens(), r.maxCompletionTokens(), r.user(), r.metadata(),
                r.extra());
    }

    private List<Running> load(String subject) {
        List<Running> out = new ArrayList<>(1);
        for (ExperimentRow row : store.activeOn(subject)) {
            if (!row.kind().equals(ExperimentRow.SHADOW)) {
                continue;
            }
            ShadowConfig config = Experiments.shadowConfig(row);
            // the gate keeps its rate and spend across cache refreshes; after a restart the spend comes from the store
            ShadowGate gate = gates.computeIfAbsent(row.id(), id -> new ShadowGate(id, config, clock,
                    results.summary(id).costUsd()));
            out.add(new Running(row.id(), config, gate));
        }
        return List.copyOf(out);
    }

    /** A production stream, passed through chunk by chunk, keeping the first choice's text. */
    private static final class Watched extends ObservedChunkStream {
        private final StringBuilder text = new StringBuilder();
        private volatile boolean ended;

        Watched(ChunkStream source) {
            super(source);
        }

        /** The whole answer, or null when the stream did not reach its end. */
        String answer() {
            return ended ? text.toString() : null;
        }

        @Override
        protected void observe(ChatChunk chunk) {
            if (chunk == null) {
                ended = true;
                return;
            }
            for (ChunkChoice c : chunk.choices()) {
                if (c.index() == 0 && c.delta() != null && c.delta().content() != null && text.length() < 100_000) {
                    text.append(c.delta().content());
                }
            }
        }
    }
}
