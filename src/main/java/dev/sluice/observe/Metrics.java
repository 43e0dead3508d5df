package dev.sluice.observe;

import dev.sluice.api.Usage;
import dev.sluice.config.MetricsConfig;
import dev.sluice.pipeline.Attempt;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.GuardEvent;
import dev.sluice.pipeline.PromptUse;
import dev.sluice.store.BatchWriter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The gateway's metrics, as OpenTelemetry instruments: the GenAI semantic conventions'
 * client/server histograms plus Sluice's own counters. Every finished request is recorded once,
 * by this completion listener. The same instruments are read by {@link PrometheusReader} for
 * {@code GET /metrics} and pushed over OTLP/HTTP when a collector is configured.
 *
 * <p>Labels are bounded: the model is the public model name when it is in the config, else
 * {@code other}; keys, teams, error types, guardrail and feedback names go through a
 * {@link LabelLimiter}. Latency histograms carry the team but not the key.
 */
public final class Metrics implements Exchange.CompletionListener, AutoCloseable {
    /** Error codes of Sluice's own limits (429 before any upstream call). */
    public static final Set<String> LIMIT_CODES = Set.of("rate_limit_exceeded", "budget_exceeded",
            "request_too_large_for_limit", "limits_unavailable");

    /**
     * Series per instrument before the SDK folds new ones into {@code otel_metric_overflow="true"}
     * (its default of 2000 is reachable with 100 keys × a few models × statuses).
     */
    static final int MAX_SERIES = 20_000;

    // GenAI semantic conventions (advisory bucket boundaries from the spec)
    static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
            10.24, 20.48, 40.96, 81.92);
    static final List<Long> TOKEN_BUCKETS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L,
            1048576L, 4194304L, 16777216L, 67108864L);
    static final List<Double> TTFT_BUCKETS = List.of(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75,
            1.0, 2.5, 5.0, 7.5, 10.0);
    static final List<Double> TPOT_BUCKETS = List.of(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0,
            2.5);

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> GEN_AI_PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    static final AttributeKey<String> ERROR_TYPE_SEMCONV = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> MODEL = AttributeKey.stringKey("model");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("provider");
    static final AttributeKey<String> KEY = AttributeKey.stringKey("key");
    static final AttributeKey<String> TEAM = AttributeKey.stringKey("team");
    static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error_type");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    static final AttributeKey<String> FALLBACK_MODEL = AttributeKey.stringKey("fallback_model");
    static final AttributeKey<String> CACHE_STATUS = AttributeKey.stringKey("cache_status");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
    static final AttributeKey<String> GUARD = AttributeKey.stringKey("guard");
    static final AttributeKey<String> DIRECTION = AttributeKey.stringKey("direction");
    static final AttributeKey<String> ACTION = AttributeKey.stringKey("action");
    static final AttributeKey<String> NAME = AttributeKey.stringKey("name");
    static final AttributeKey<String> SENTIMENT = AttributeKey.stringKey("sentiment");
    static final AttributeKey<String> WRITER = AttributeKey.stringKey("writer");
    static final AttributeKey<String> PROMPT = AttributeKey.stringKey("prompt");
    static final AttributeKey<String> PROMPT_VERSION = AttributeKey.stringKey("prompt_version");
    static final AttributeKey<String> VARIANT = AttributeKey.stringKey("variant");

    private record Watched(String name, BatchWriter<?> writer) {}

    private final SdkMeterProvider provider;
    private final PrometheusReader prometheus;
    private final LabelLimiter labels;
    private volatile Set<String> models;
    private final List<Watched> writers = new CopyOnWriteArrayList<>();
    private final List<LongSupplier> redisFallbacks = new CopyOnWriteArrayList<>();
    private final List<LongSupplier> clusterNodes = new CopyOnWriteArrayList<>();
    private final List<LongSupplier> loopTasks = new CopyOnWriteArrayList<>();

    private final LongHistogram tokenUsage;
    private final DoubleHistogram operationDuration;
    private final DoubleHistogram timeToFirstToken;
    private final DoubleHistogram timePerOutputToken;
    private final LongCounter requests;
    private final DoubleCounter cost;
    private final LongCounter retries;
    private final LongCounter attempts;
    private final LongCounter fallbacks;
    private final LongCounter cacheRequests;
    private final LongCounter cacheSavedTokens;
    private final LongCounter limitRefusals;
    private final LongCounter guardTriggers;
    private final LongCounter feedback;
    private final LongCounter promptRequests;
    private final DoubleHistogram promptDuration;

    private Metrics(SdkMeterProvider provider, PrometheusReader prometheus, LabelLimiter labels, Set<String> models) {
        this.provider = provider;
        this.prometheus = prometheus;
        this.labels = labels;
        this.models = Set.copyOf(models);
        Meter meter = provider.get(Tracing.INSTRUMENTATION);
        tokenUsage = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
                .setDescription("Tokens used per request, by token type (input, output).")
                .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS).build();
        operationDuration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
                .setDescription("Time from receiving a request to its last byte, errors included.")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        timeToFirstToken = meter.histogramBuilder("gen_ai.server.time_to_first_token").setUnit("s")
                .setDescription("Time from receiving a streaming request to its first token reaching the client.")
                .setExplicitBucketBoundariesAdvice(TTFT_BUCKETS).build();
        timePerOutputToken = meter.histogramBuilder("gen_ai.server.time_per_output_token").setUnit("s")
                .setDescription("Time per output token after the first one, for streamed answers.")
                .setExplicitBucketBoundariesAdvice(TPOT_BUCKETS).build();
        requests = meter.counterBuilder("sluice.requests").setUnit("{request}")
                .setDescription("Finished API requests by status and error type.").build();
        cost = meter.counterBuilder("sluice.cost_usd").ofDoubles().setUnit("USD")
                .setDescription("What requests cost in USD, from their usage and the price catalog.").build();
        retries = meter.counterBuilder("sluice.retries").setUnit("{retry}")
                .setDescription("Upstream attempts beyond the first for the same model (fallback hops not included).").build();
        attempts = meter.counterBuilder("sluice.upstream.attempts").setUnit("{attempt}")
                .setDescription("Upstream calls by provider and outcome (ok or the error class).").build();
        fallbacks = meter.counterBuilder("sluice.fallbacks").setUnit("{request}")
                .setDescription("Requests answered by a fallback model.").build();
        cacheRequests = meter.counterBuilder("sluice.cache.requests").setUnit("{request}")
                .setDescription("Response cache outcomes: hit, semantic-hit, miss, bypass.").build();
        cacheSavedTokens = meter.counterBuilder("sluice.cache.saved_tokens").setUnit("{token}")
                .setDescription("Tokens cache hits did not spend upstream.").build();
        limitRefusals = meter.counterBuilder("sluice.limits.refusals").setUnit("{request}")
                .setDescription("Requests refused by Sluice's own rate limits and budgets (429).").build();
        guardTriggers = meter.counterBuilder("sluice.guardrail.triggers").setUnit("{trigger}")
                .setDescription("Guardrail triggers by guardrail, direction and action.").build();
        feedback = meter.counterBuilder("sluice.feedback").setUnit("{feedback}")
                .setDescription("User feedback received, by name and sentiment.").build();
        promptRequests = meter.counterBuilder("sluice.prompt.requests").setUnit("{request}")
                .setDescription("Requests rendered from a stored prompt, by prompt, version, experiment arm and status.").build();
        promptDuration = meter.histogramBuilder("sluice.prompt.duration").setUnit("s")
                .setDescription("Latency of requests rendered from a stored prompt, by prompt and version.")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        meter.counterBuilder("sluice.limits.redis_fallbacks").setUnit("{decision}")
                .setDescription("Limit decisions made locally because Redis was unavailable.")
                .buildWithCallback(obs -> {
                    long total = 0;
                    for (LongSupplier s : redisFallbacks) {
                        total += s.getAsLong();
                    }
                    obs.record(total);
                });
        meter.gaugeBuilder("sluice.cluster.nodes").ofLongs().setUnit("{node}")
                .setDescription("Live gateway nodes in the membership record, as of this node's last heartbeat Redis answered.")
                .buildWithCallback(obs -> clusterNodes.forEach(s -> obs.record(s.getAsLong())));
        // the JDK's virtual-thread scheduler (jdk.management, JDK 24+): its carriers, and the virtual threads ready to
        // run that wait for one — a request path saturating its carriers shows there before it shows in latency
        jdk.management.VirtualThreadSchedulerMXBean scheduler =
                java.lang.management.ManagementFactory.getPlatformMXBean(jdk.management.VirtualThreadSchedulerMXBean.class);
        meter.gaugeBuilder("sluice.threads.carriers").ofLongs().setUnit("{thread}")
                .setDescription("Carrier threads the virtual-thread scheduler runs on (its parallelism).")
                .buildWithCallback(obs -> obs.record(scheduler.getParallelism()));
        meter.gaugeBuilder("sluice.threads.queued").ofLongs().setUnit("{thread}")
                .setDescription("Virtual threads ready to run and waiting for a carrier (an estimate).")
                .buildWithCallback(obs -> obs.record(Math.max(0, scheduler.getQueuedVirtualThreadCount())));
        // requests run on the event loops (dev.sluice.threads.LoopThreads): what waits for a loop — request threads
        // ready to resume, writes — is the loops' task queues
        meter.gaugeBuilder("sluice.io.pending_tasks").ofLongs().setUnit("{task}")
                .setDescription("Tasks waiting on the event loops: request threads ready to resume and writes to run.")
                .buildWithCallback(obs -> loopTasks.forEach(s -> obs.record(s.getAsLong())));
        meter.gaugeBuilder("sluice.store.queue_depth").ofLongs().setUnit("{record}")
                .setDescription("Records waiting in a store writer's memory queue.")
                .buildWithCallback(obs -> writers.forEach(w -> obs.record(w.writer().queued(), Attributes.of(WRITER, w.name()))));
        meter.gaugeBuilder("sluice.store.spill_pending").ofLongs().setUnit("{record}")
                .setDescription("Records in a store writer's spill file waiting for the store.")
                .buildWithCallback(obs -> writers.forEach(w -> obs.record(w.writer().spillPending(), Attributes.of(WRITER, w.name()))));
        meter.counterBuilder("sluice.store.written").setUnit("{record}")
                .setDescription("Records a store writer wrote to the store.")
                .buildWithCallback(obs -> writers.forEach(w -> obs.record(w.writer().written(), Attributes.of(WRITER, w.name()))));
        meter.counterBuilder("sluice.store.dropped").setUnit("{record}")
                .setDescription("Records a store writer had to drop (memory and disk could not keep up).")
                .buildWithCallback(obs -> writers.forEach(w -> obs.record(w.writer().dropped(), Attributes.of(WRITER, w.name()))));
        meter.counterBuilder("sluice.store.spilled").setUnit("{record}")
                .setDescription("Records a store writer moved to its spill file while the store was failing.")
                .buildWithCallback(obs -> writers.forEach(w -> obs.record(w.writer().spilled(), Attributes.of(WRITER, w.name()))));
        meter.counterBuilder("sluice.store.quarantined").setUnit("{record}")
                .setDescription("Spill lines a store writer could not read back and moved to its quarantine file (<name>.spill.bad).")
                .buildWithCallback(obs -> writers.forEach(w -> obs.record(w.writer().quarantined(), Attributes.of(WRITER, w.name()))));
    }

    /** The public model names after a config reload (others are labelled {@code other}). */
    public void models(Set<String> names) {
        this.models = Set.copyOf(names);
    }

    /**
     * Metrics as configured.
     *
     * @param models the public model names of the config (others are labelled {@code other})
     */
    public static Metrics create(MetricsConfig config, String serviceName, Set<String> models, LabelLimiter labels) {
        PrometheusReader prometheus = new PrometheusReader();
        SdkMeterProviderBuilder builder = SdkMeterProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), serviceName))))
                .registerMetricReader(prometheus, type -> MAX_SERIES);
        if (config.otlpEndpoint() != null) {
            builder.registerMetricReader(PeriodicMetricReader.builder(OtlpHttpMetricExporter.builder()
                            .setEndpoint(config.otlpEndpoint()).setTimeout(Duration.ofSeconds(10)).build())
                    .setInterval(config.exportInterval()).build(), type -> MAX_SERIES);
        }
        return new Metrics(builder.build(), prometheus, labels, models);
    }

    /** Reports a store writer's queue depth and its written, dropped and spilled counts. */
    public void watch(String writerName, BatchWriter<?> writer) {
        writers.add(new Watched(writerName, writer));
    }

    /** Reports how often limits were decided locally because Redis was down. */
    public void watchRedisFallbacks(LongSupplier count) {
        redisFallbacks.add(count);
    }

    /** Reports the event loops' queued tasks (see {@code NettyLoops#pendingTasks}). */
    public void watchEventLoops(LongSupplier pendingTasks) {
        loopTasks.add(pendingTasks);
    }

    /** Reports the live node count of the cluster membership record. */
    public void watchClusterNodes(LongSupplier count) {
        clusterNodes.add(count);
    }

    /** Writes every series in the Prometheus text format. */
    public void scrape(OutputStream out) throws IOException {
        prometheus.scrape(out);
    }

    public String contentType() {
        return PrometheusReader.CONTENT_TYPE;
    }

    /** The model label: the public model when the config has it, {@code other} for anything else. */
    public String model(String requested) {
        if (requested == null) {
            return LabelLimiter.NONE;
        }
        return models.contains(requested) ? requested : LabelLimiter.OTHER;
    }

    /**
     * Counts one piece of user feedback.
     *
     * @param sentiment {@code positive}, {@code negative} or {@code neutral} (numbers and categories)
     */
    public void feedback(String name, String sentiment, String model) {
        feedback.add(1, Attributes.of(NAME, labels.value("feedback_name", name), SENTIMENT, sentiment,
                MODEL, model(model)));
    }

    @Override
    public void completed(Exchange ex) {
        String operation = ex.operation() == Exchange.Operation.CHAT ? "chat" : "embeddings";
        String model = model(ex.requestedModel());
        String provider = ex.provider() == null ? LabelLimiter.NONE : ex.provider();
        String team = labels.value("team", ex.caller().team());
        String key = labels.value("key", ex.caller().keyId());
        int status = ex.status();
        String errorType = ex.errorType() == null ? LabelLimiter.NONE : labels.value("error_type", ex.errorType());

        requests.add(1, Attributes.builder().put(OPERATION, operation).put(MODEL, model).put(PROVIDER, provider)
                .put(KEY, key).put(TEAM, team).put(STATUS, Integer.toString(status)).put(ERROR_TYPE, errorType).build());

        Attributes genAi = Attributes.of(OPERATION, operation, GEN_AI_PROVIDER, provider, REQUEST_MODEL, model, TEAM, team);
        double seconds = ex.latencyMillis() / 1000.0;
        operationDuration.record(seconds, status >= 400
                ? genAi.toBuilder().put(ERROR_TYPE_SEMCONV, errorType).build() : genAi);
        Usage usage = ex.usage();
        if (usage != null) {
            tokenUsage.record(usage.promptTokens(), genAi.toBuilder().put(TOKEN_TYPE, "input").build());
            if (ex.operation() == Exchange.Operation.CHAT) {
                tokenUsage.record(usage.completionTokens(), genAi.toBuilder().put(TOKEN_TYPE, "output").build());
            }
        }
        long ttft = ex.ttftMillis();
        if (ex.streaming() && ttft >= 0) {
            timeToFirstToken.record(ttft / 1000.0, genAi);
            if (usage != null && usage.completionTokens() > 1 && status < 400) {
                timePerOutputToken.record((ex.latencyMillis() - ttft) / 1000.0 / (usage.completionTokens() - 1), genAi);
            }
        }
        Double usd = ex.costUsd();
        if (usd != null && usd > 0) {
            cost.add(usd, Attributes.of(MODEL, model, PROVIDER, provider, KEY, key, TEAM, team));
        }
        recordAttempts(ex, model);
        String cacheStatus = ex.cacheStatus();
        if (cacheStatus != null) {
            cacheRequests.add(1, Attributes.of(MODEL, model, CACHE_STATUS, cacheStatus));
            Usage saved = ex.cacheSavedUsage();
            if (saved != null) {
                cacheSavedTokens.add(saved.promptTokens(), Attributes.of(MODEL, model, TOKEN_TYPE, "input"));
                cacheSavedTokens.add(saved.completionTokens(), Attributes.of(MODEL, model, TOKEN_TYPE, "output"));
            }
        }
        if (status == 429 && ex.errorType() != null && LIMIT_CODES.contains(ex.errorType())) {
            limitRefusals.add(1, Attributes.of(REASON, ex.errorType(), TEAM, team));
        }
        PromptUse prompt = ex.prompt();
        if (prompt != null && prompt.hasPrompt()) {
            // prompt names are bounded by the label limiter; versions of one prompt are few at a time
            String name = labels.value("prompt", prompt.name());
            String version = name.equals(LabelLimiter.OTHER) ? LabelLimiter.OTHER : Integer.toString(prompt.version());
            String variant = prompt.variant() == null ? LabelLimiter.NONE : labels.value("variant", prompt.variant());
            promptRequests.add(1, Attributes.of(PROMPT, name, PROMPT_VERSION, version, VARIANT, variant,
                    STATUS, Integer.toString(status)));
            promptDuration.record(seconds, Attributes.of(PROMPT, name, PROMPT_VERSION, version));
        }
        for (GuardEvent g : ex.guardEvents()) {
            guardTriggers.add(1, Attributes.of(GUARD, labels.value("guard", g.name()), DIRECTION, g.direction(),
                    ACTION, g.action()));
        }
    }

    private void recordAttempts(Exchange ex, String model) {
        List<Attempt> list = ex.attempts();
        if (list.isEmpty()) {
            return;
        }
        for (Attempt a : list) {
            attempts.add(1, Attributes.of(PROVIDER, a.provider(), OUTCOME,
                    a.errorClass() == null ? "ok" : a.errorClass().toLowerCase(Locale.ROOT)));
        }
        String fallback = ex.fallbackModel();
        int extra = list.size() - 1 - (fallback != null ? 1 : 0);
        if (extra > 0) {
            retries.add(extra, Attributes.of(MODEL, model));
        }
        if (fallback != null) {
            fallbacks.add(1, Attributes.of(MODEL, model, FALLBACK_MODEL, model(fallback)));
        }
    }

    @Override
    public void close() {
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }
}
