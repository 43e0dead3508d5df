package dev.sluice.route;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingResponse;
import dev.sluice.api.SluiceException;
import dev.sluice.api.TokenCounter;
import dev.sluice.config.TimeoutsConfig;
import dev.sluice.pipeline.Attempt;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Chain;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;
import dev.sluice.provider.Call;
import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.UpstreamException;
import dev.sluice.quality.AnswerCheck;
import dev.sluice.quality.ResponseFormatCheck;
import dev.sluice.trace.GenAi;
import dev.sluice.trace.Span;
import dev.sluice.trace.Tracer;
import java.time.Duration;
import java.util.HashMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The terminal stage: turns a public model name into upstream calls. A complexity router first
 * picks the easy or hard model. Then, per model: deployments ranked by the model's strategy
 * (skipping open breakers and full deployments), retries with backoff (switching deployment
 * when another is healthy, else waiting with full jitter or the upstream's Retry-After), and
 * finally the model's fallbacks for the error classes they name. A stream counts as successful
 * once its first content arrived; after that nothing is retried, since the client has seen it.
 *
 * <p>Every attempt is recorded on the exchange; {@code x-sluice-attempts}, {@code x-sluice-fallback}
 * and {@code x-sluice-route} tell the client what happened.
 */
public final class Router implements Stage {
    private static final int DEFAULT_OUTPUT_ESTIMATE = 256;

    private final Map<String, ModelPlan> plans;
    private final Map<String, ComplexityRoute> complexityRoutes;
    private final Backoff backoff;
    private final Watchdog watchdog;
    private final Sleeper sleeper;
    private final Tracer tracer;
    private volatile QualityJudge judge;
    private final ResponseFormatCheck formats = new ResponseFormatCheck();

    /** A complexity-routed model: where easy and hard requests go. */
    public record ComplexityRoute(String easy, String hard, double threshold, ComplexityClassifier classifier) {}

    /** Waits between retries; tests can observe or shorten it. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    Router(Map<String, ModelPlan> plans, Map<String, ComplexityRoute> complexityRoutes, Backoff backoff,
           Watchdog watchdog, Sleeper sleeper, Tracer tracer) {
        this.tracer = tracer;
        this.plans = Map.copyOf(plans);
        this.complexityRoutes = Map.copyOf(complexityRoutes);
        this.backoff = backoff;
        this.watchdog = watchdog;
        this.sleeper = sleeper;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        String model = ex.requestedModel();
        ComplexityRoute complexity = complexityRoutes.get(model);
        if (complexity != null) {
            if (ex.operation() != Exchange.Operation.CHAT) {
                return Reply.fail(SluiceException.invalidRequest("model",
                        "The model '" + model + "' routes chat requests by complexity; it does not serve embeddings."));
            }
            ComplexityClassifier.Decision decision = complexity.classifier().classify(ex.chat(), complexity.threshold());
            model = decision.hard() ? complexity.hard() : complexity.easy();
            ex.routeReason(decision.describe() + "; model=" + model);
            ex.responseHeader("x-sluice-route", ex.routeReason());
        }
        ModelPlan plan = plans.get(model);
        if (plan == null) {
            return Reply.fail(SluiceException.modelNotFound(ex.requestedModel()));
        }
        String pin = ex.header("x-sluice-deployment");
        if (pin != null && !ex.caller().scopes().contains(Caller.SCOPE_ROUTE_OVERRIDE) && ex.caller().keyId() != null) {
            return Reply.fail(SluiceException.forbidden("override_not_allowed", "Pinning a deployment with"
                    + " x-sluice-deployment needs a key with the '" + Caller.SCOPE_ROUTE_OVERRIDE + "' scope."));
        }
        Reply reply = serve(ex, plan, pin);
        ex.responseHeader("x-sluice-attempts", Integer.toString(ex.attempts().size()));
        return reply;
    }

    /**
     * The model, then its fallbacks whose error classes match the last failure. A whole answer that
     * fails a check a fallback names ({@link AnswerCheck}) counts as that failure; when no fallback
     * gives a passing answer, the client gets the first failing answer, marked {@code x-sluice-quality}.
     */
    private Reply serve(Exchange ex, ModelPlan first, String pin) {
        List<Rejected> rejected = new ArrayList<>(0);
        // the requested model's checks hold for every answer, the fallbacks' included
        ModelPlan.Fallback judged = first.judged();
        Checks checks = new Checks(first.answerChecks(), judged == null ? 0 : judged.judgeBelow(),
                judged == null ? null : judged.judgeModel());
        Outcome outcome = tryModel(ex, first, pin, checks, rejected);
        for (ModelPlan.Fallback fallback : first.fallbacks()) {
            if (outcome.reply() != null || ex.abandoned()) {
                break;
            }
            if (!fallback.on().contains(outcome.errorClass())) {
                continue;
            }
            ModelPlan plan = plans.get(fallback.model());
            outcome = tryModel(ex, plan, null, checks, rejected);
            if (outcome.reply() != null) {
                ex.fallbackModel(plan.name());
                ex.responseHeader("x-sluice-fallback", plan.name());
            }
        }
        if (outcome.reply() == null && !rejected.isEmpty()) {
            Rejected kept = rejected.removeFirst();
            ex.route(kept.provider(), kept.model());
            ex.responseHeader("x-sluice-provider", kept.provider());
            ex.responseHeader("x-sluice-model", kept.model());
            ex.responseHeader("x-sluice-quality", kept.check().label());
            if (kept.chunks() != null) {
                outcome = Outcome.success(new Reply.Stream(replay(ex, kept.chunks())));
            } else {
                ex.usage(kept.response().usage());
                ex.responseId(kept.response().id());
                ex.responseModel(kept.response().model(), kept.response().systemFingerprint());
                kept.response().choices().forEach(c -> ex.addFinishReason(c.finishReason()));
                outcome = Outcome.success(new Reply.Chat(kept.response()));
            }
        }
        // an answer thrown away was still produced and billed by the upstream
        for (Rejected r : rejected) {
            ex.addDiscardedUsage(r.model(), r.usage());
        }
        return outcome.reply() != null ? outcome.reply() : Reply.fail(outcome.error());
    }

    /** A whole answer that failed an answer check, kept in case no fallback does better. */
    private record Rejected(String provider, String model, ChatResponse response, AnswerCheck check,
                            List<ChatChunk> chunks) {
        Rejected(String provider, String model, ChatResponse response, AnswerCheck check) {
            this(provider, model, response, check, null);
        }

        /** A whole answer's usage, or a stream's (its usage chunk, when it had one). */
        dev.sluice.api.Usage usage() {
            if (response != null) {
                return response.usage();
            }
            dev.sluice.api.Usage last = null;
            for (ChatChunk c : chunks) {
                if (c.usage() != null) {
                    last = c.usage();
                }
            }
            return last;
        }
    }

    /** A rejected stream's chunks (it ended before any byte was sent), served as they came when nothing did better. */
    private static ChunkStream replay(Exchange ex, List<ChatChunk> chunks) {
        java.util.Iterator<ChatChunk> it = chunks.iterator();
        return new ChunkStream() {
            @Override
            public ChatChunk next() {
                if (!it.hasNext()) {
                    return null;
                }
                ChatChunk c = it.next();
                ex.responseId(c.id());
                if (!c.model().isEmpty()) {
                    ex.responseModel(c.model(), c.systemFingerprint());
                }
                c.choices().forEach(choice -> ex.addFinishReason(choice.finishReason()));
                if (c.usage() != null) {
                    ex.usage(c.usage());
                }
                return c;
            }

            @Override
            public void close() {}
        };
    }

    /** Thrown by an attempt whose answer failed a check: the deployment is healthy, the answer is not wanted. */
    private static final class AnswerRejected extends RuntimeException {
        final Rejected rejected;

        AnswerRejected(Rejected rejected) {
            super(rejected.check().label(), null, false, false);
            this.rejected = rejected;
        }
    }

    private record Outcome(Reply reply, SluiceException error, String errorClass) {
        static Outcome success(Reply reply) {
            return new Outcome(reply, null, null);
        }
    }

    private Outcome tryModel(Exchange ex, ModelPlan plan, String pin, Checks checks, List<Rejected> rejected) {
        List<Deployment> candidates = plan.deployments();
        if (pin != null) {
            candidates = candidates.stream().filter(d -> d.provider().name().equals(pin) || d.id().equals(pin)).toList();
            if (candidates.isEmpty()) {
                SluiceException e = SluiceException.invalidRequest("x-sluice-deployment", "No deployment of model '"
                        + plan.name() + "' matches '" + pin + "'; use a provider name or provider/model.");
                return new Outcome(null, e, "bad_request");
            }
        }
        List<Deployment> ranked = plan.strategy().rank(candidates, estimateInput(ex, plan), estimateOutput(ex));
        Set<Deployment> failed = new HashSet<>();
        UpstreamException last = null;
        int waits = 0;
        for (int attempt = 0; attempt <= plan.retries(); attempt++) {
            if (ex.abandoned()) {
                break; // an input guardrail running alongside blocked the request: no answer is wanted
            }
            Deployment d = pick(ranked, failed);
            if (d == null) {
                break;
            }
            try {
                return Outcome.success(call(ex, plan, d, checks));
            } catch (AnswerRejected e) {
                // straight to the fallbacks: the same model tends to answer the same way again
                rejected.add(e.rejected);
                return new Outcome(null, null, e.rejected.check().label());
            } catch (UpstreamException e) {
                last = e;
                failed.add(d);
                if (ex.abandoned() || !e.errorClass().retryable() || attempt == plan.retries()) {
                    break;
                }
                if (!hasFresh(ranked, failed)) {
                    long delay = backoff.delayMillis(waits++, e.retryAfter());
                    if (delay < 0) {
                        break;
                    }
                    pause(delay);
                }
            }
        }
        if (last == null) {
            SluiceException e = SluiceException.unavailable("No deployment of model '" + plan.name()
                    + "' can take the request now: every circuit breaker is open or every deployment is at its"
                    + " in-flight limit. Retry shortly.");
            return new Outcome(null, e, "no_deployment");
        }
        return new Outcome(null, last, last.errorClass().label());
    }

    /** The best deployment not yet failed for this request; else the best failed one; null if none can take it. */
    private static Deployment pick(List<Deployment> ranked, Set<Deployment> failed) {
        for (int pass = 0; pass < 2; pass++) {
            for (Deployment d : ranked) {
                if ((pass == 0) == failed.contains(d) || d.full()) {
                    continue;
                }
                if (d.breaker() == null || d.breaker().tryAcquirePermission()) {
                    return d;
                }
            }
        }
        return null;
    }

    /** Whether some deployment has not failed yet and looks able to take a request. */
    private static boolean hasFresh(List<Deployment> ranked, Set<Deployment> failed) {
        for (Deployment d : ranked) {
            if (!failed.contains(d) && !d.full() && (d.breaker() == null
                    || d.breaker().getState() != io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN)) {
                return true;
            }
        }
        return false;
    }

    private void pause(long millis) {
        try {
            sleeper.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SluiceException.unavailable("The request was interrupted while waiting to retry.");
        }
    }

    /** One attempt on one deployment. Throws an {@link UpstreamException} when it fails. */
    private Reply call(Exchange ex, ModelPlan plan, Deployment d, Checks checks) {
        TimeoutsConfig t = plan.timeouts();
        Duration readTimeout = shortest(d.readTimeout(), t.idle(), ex.streaming() ? null : t.total());
        String operation = ex.operation() == Exchange.Operation.CHAT ? "chat" : "embeddings";
        Span span = tracer.start(d.spanName(ex.operation() == Exchange.Operation.CHAT), Span.Kind.CLIENT,
                GenAi.OPERATION, operation, GenAi.PROVIDER, d.provider().name(), GenAi.REQUEST_MODEL, d.upstreamModel());
        Map<String, String> headers = new HashMap<>(d.forwarder().select(ex.headers(), ex.caller().keyId() != null));
        // the upstream joins the trace too (vLLM, Ollama and others accept traceparent)
        Tracer.inject(span, headers);
        Call call = new Call(d.upstreamModel(), ex.requestId(), headers, readTimeout,
                ex.operation() == Exchange.Operation.CHAT ? ex.forwardableBody() : null);
        ex.route(d.provider().name(), d.upstreamModel());
        ex.responseHeader("x-sluice-provider", d.provider().name());
        ex.responseHeader("x-sluice-model", d.upstreamModel());
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        d.enter();
        boolean handedOver = false;
        try (Tracer.Scope scope = span.makeCurrent()) {
            Reply reply = switch (ex.operation()) {
                case CHAT -> ex.chat().stream() ? openStream(ex, d, call, t, startNanos, span, checks)
                        : chat(ex, d, call, span, checks);
                case EMBEDDINGS -> embeddings(ex, d, call, span);
            };
            long millis = elapsedMillis(startNanos);
            handedOver = reply instanceof Reply.Stream;
            onSuccess(d, startNanos);
            d.recordLatency(millis);
            ex.addAttempt(new Attempt(d.provider().name(), d.upstreamModel(), startMillis, millis, 200, null));
            return reply;
        } catch (AnswerRejected e) {
            onSuccess(d, startNanos);
            d.recordLatency(elapsedMillis(startNanos));
            ex.addAttempt(new Attempt(d.provider().name(), d.upstreamModel(), startMillis, elapsedMillis(startNanos),
                    200, e.rejected.check().label()));
            span.set("sluice.answer_check.failed", e.rejected.check().label());
            throw e;
        } catch (UpstreamException e) {
            if (ex.abandoned()) {
                // cut short because its answer is not wanted: says nothing about the deployment's health
                abandoned(ex, d, span, startMillis, startNanos);
                throw e;
            }
            onFailure(d, startNanos, e);
            ex.addAttempt(new Attempt(d.provider().name(), d.upstreamModel(), startMillis, elapsedMillis(startNanos),
                    e.upstreamStatus(), e.errorClass().label()));
            AttemptSpan.failed(span, e);
            throw e;
        } catch (RuntimeException e) {
            if (ex.abandoned()) {
                abandoned(ex, d, span, startMillis, startNanos);
            }
            throw e;
        } finally {
            if (!handedOver) {
                d.exit();
                span.end();
            }
        }
    }

    /** The attempt an input guardrail running alongside it cut short: recorded as {@code cancelled}, the breaker's permission given back. */
    private static void abandoned(Exchange ex, Deployment d, Span span, long startMillis, long startNanos) {
        if (d.breaker() != null) {
            d.breaker().releasePermission();
        }
        ex.addAttempt(new Attempt(d.provider().name(), d.upstreamModel(), startMillis, elapsedMillis(startNanos), 0,
                "cancelled"));
        span.set("error.type", "cancelled");
    }

    private Reply chat(Exchange ex, Deployment d, Call call, Span span, Checks checks) {
        dev.sluice.provider.Provider.Answer answer = d.provider().chatAnswer(ex.chat(), call);
        ChatResponse response = answer.response();
        AnswerCheck failed = failedCheck(ex, response, checks, span);
        if (failed != null) {
            AttemptSpan.answered(span, response.id(), response.model(), List.of(), response.usage());
            throw new AnswerRejected(new Rejected(d.provider().name(), d.upstreamModel(), response, failed));
        }
        ex.usage(response.usage());
        ex.responseModel(response.model(), response.systemFingerprint());
        ex.responseId(response.id());
        response.choices().forEach(c -> ex.addFinishReason(c.finishReason()));
        AttemptSpan.answered(span, response.id(), response.model(), ex.finishReasons(), response.usage());
        return new Reply.Chat(response, answer.wire());
    }

    /**
     * The first check the answer fails: the deterministic ones, then {@code guardrail_block} (the
     * output policy's verdict, when one applies), then {@code judge_below} (one judge call).
     */
    private AnswerCheck failedCheck(Exchange ex, ChatResponse response, Checks checks, Span span) {
        AnswerCheck failed = AnswerCheck.firstFailure(ex.chat(), response, checks.names(), formats);
        if (failed != null) {
            return failed;
        }
        if (checks.names().contains(AnswerCheck.GUARDRAIL_BLOCK) && ex.outputBlockProbe() != null) {
            String rule = ex.outputBlockProbe().apply(response);
            if (rule != null) {
                span.set("sluice.answer_check.rule", rule);
                return AnswerCheck.GUARDRAIL_BLOCK;
            }
        }
        if (checks.names().contains(AnswerCheck.JUDGE_BELOW) && checks.judgeModel() != null) {
            double score = judgeScore(ex, response, checks.judgeModel());
            span.set("sluice.answer_check.judge_score", score);
            if (score < checks.judgeBelow()) {
                return AnswerCheck.JUDGE_BELOW;
            }
        }
        return null;
    }

    /**
     * The judge's score of the answer (0..1). A blank answer scores 0 without a call; when the judge
     * cannot answer, the answer passes (1): a broken judge must not turn every answer into a fallback.
     */
    private double judgeScore(Exchange ex, ChatResponse response, String judgeModel) {
        boolean toolCalls = !response.choices().isEmpty() && !response.choices().getFirst().message().toolCalls().isEmpty();
        String text = response.text();
        if (!toolCalls && (text == null || text.isBlank())) {
            return 0;
        }
        QualityJudge j = judge;
        if (j == null || toolCalls) {
            return 1;
        }
        try {
            return j.score(judgeModel, ex.chat(), text, ex.requestId());
        } catch (RuntimeException e) {
            return 1;
        }
    }

    /** The checks every answer of one request must pass, and the judge threshold when {@code judge_below} is named. */
    private record Checks(Set<AnswerCheck> names, double judgeBelow, String judgeModel) {}

    /** Scores an answer for the {@code judge_below} quality fallback; wired by the app (a call through the gateway). */
    @FunctionalInterface
    public interface QualityJudge {
        /** @return how well {@code answer} answers {@code request}, 0 (useless) to 1 (excellent); throws when it cannot tell */
        double score(String judgeModel, dev.sluice.api.ChatRequest request, String answer, String parentRequestId);
    }

    /** Sets the judge of {@code judge_below} (none: every answer passes it). */
    public void qualityJudge(QualityJudge judge) {
        this.judge = judge;
    }

    private static Reply embeddings(Exchange ex, Deployment d, Call call, Span span) {
        EmbeddingResponse response = d.provider().embed(ex.embeddings(), call);
        ex.usage(response.usage());
        AttemptSpan.answered(span, null, response.model(), List.of(), response.usage());
        return new Reply.Embeddings(response);
    }

    /**
     * Opens the stream and reads until its first content (or finish), within the time-to-first-
     * token and total timeouts. Only then is the attempt a success: a failure up to here can
     * still be retried or fall back, because the client has received nothing.
     */
    private Reply openStream(Exchange ex, Deployment d, Call call, TimeoutsConfig t, long startNanos, Span span,
                             Checks checks) {
        long firstDeadline = t.ttft() == null ? 0 : startNanos + t.ttft().toNanos();
        long totalDeadline = t.total() == null ? 0 : startNanos + t.total().toNanos();
        long openDeadline = earliest(firstDeadline, totalDeadline);
        ChunkStream upstream = openDeadline == 0 ? d.provider().stream(ex.chat(), call)
                : openWithin(ex, d, call, openDeadline);
        TimedStream timed = new TimedStream(upstream, watchdog, d.provider().name(), firstDeadline,
                t.idle() == null ? 0 : t.idle().toMillis(), totalDeadline);
        Deque<ChatChunk> peeked = new ArrayDeque<>();
        try {
            ChatChunk chunk;
            while ((chunk = timed.next()) != null) {
                peeked.add(chunk);
                if (chunk.hasContent() || chunk.hasFinish()) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            timed.close();
            throw e;
        }
        if (checks.names().contains(AnswerCheck.EMPTY) && peeked.stream().noneMatch(ChatChunk::hasContent)) {
            // finished (or ended) with nothing, and the client has seen nothing yet: keep the rest
            // (its usage chunk), then let a fallback try; the only check a stream gets
            try {
                ChatChunk rest;
                while ((rest = timed.next()) != null) {
                    peeked.add(rest);
                }
            } catch (RuntimeException ignored) {
                // what arrived is kept; the stream is rejected anyway
            } finally {
                timed.close();
            }
            throw new AnswerRejected(new Rejected(d.provider().name(), d.upstreamModel(), null, AnswerCheck.EMPTY,
                    List.copyOf(peeked)));
        }
        return new Reply.Stream(new RouteStream(peeked, timed, ex, d, span));
    }

    /**
     * Waits for the upstream's response headers no longer than the deadline. The blocking open
     * runs on its own virtual thread so the wait can be cut short; a late stream is closed when
     * it finally arrives.
     */
    private static ChunkStream openWithin(Exchange ex, Deployment d, Call call, long deadlineNanos) {
        CompletableFuture<ChunkStream> opening = new CompletableFuture<>();
        Thread.ofVirtual().name("sluice-open-" + ex.requestId()).start(() -> {
            try {
                opening.complete(d.provider().stream(ex.chat(), call));
            } catch (Throwable e) {
                opening.completeExceptionally(e);
            }
        });
        try {
            return opening.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            opening.thenAccept(ChunkStream::close);
            throw new UpstreamException(d.provider().name(), ErrorClass.TIMEOUT, 0, "The upstream provider '"
                    + d.provider().name() + "' did not start streaming within the time-to-first-token timeout.", null, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            opening.thenAccept(ChunkStream::close);
            throw SluiceException.unavailable("The request was interrupted.");
        }
    }

    private static void onSuccess(Deployment d, long startNanos) {
        if (d.breaker() != null) {
            d.breaker().onSuccess(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Only failures that say the deployment is unhealthy count against its breaker: a rate limit
     * means "busy", and its Retry-After is honoured instead; a bad request is the client's.
     */
    private static void onFailure(Deployment d, long startNanos, UpstreamException e) {
        if (d.breaker() == null) {
            return;
        }
        if (e.errorClass().retryable() && e.errorClass() != ErrorClass.RATE_LIMITED) {
            d.breaker().onError(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, e);
        } else {
            d.breaker().onSuccess(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }

    private static int estimateInput(Exchange ex, ModelPlan plan) {
        if (plan.strategy() != Strategy.LOWEST_COST || ex.operation() != Exchange.Operation.CHAT) {
            return 0;
        }
        return TokenCounter.countPrompt(ex.chat());
    }

    private static int estimateOutput(Exchange ex) {
        if (ex.operation() != Exchange.Operation.CHAT) {
            return 0;
        }
        Integer max = ex.chat().maxOutputTokens();
        return max == null ? DEFAULT_OUTPUT_ESTIMATE : Math.min(max, 4 * DEFAULT_OUTPUT_ESTIMATE);
    }

    private static Duration shortest(Duration a, Duration b, Duration c) {
        Duration best = a;
        for (Duration d : new Duration[] {b, c}) {
            if (d != null && (best == null || d.compareTo(best) < 0)) {
                best = d;
            }
        }
        return best;
    }

    private static long earliest(long a, long b) {
        if (a == 0) {
            return b;
        }
        return b == 0 ? a : Math.min(a, b);
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** For tests and metrics: the live deployments of every model. */
    public List<Deployment> deployments() {
        List<Deployment> all = new ArrayList<>();
        plans.values().forEach(p -> all.addAll(p.deployments()));
        return all;
    }
}
