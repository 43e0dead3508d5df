package dev.sluice.observe;

import dev.sluice.config.TracingConfig;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.Database;
import dev.sluice.store.SpanRecord;
import dev.sluice.store.SpanSink;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The tracing cost of one plain chat request, both halves:
 * <ul>
 *   <li>{@code request}: on the request's thread, the six spans the gateway makes (root with its GenAI
 *       attributes, four stage spans, the upstream attempt), each made current as the gateway does, and
 *       turned into store rows by {@link StoreSpanProcessor} (queued to a writer whose target drops them);</li>
 *   <li>{@code store}: on the span writer's thread, those six rows inserted by {@link SpanSink} into SQLite
 *       with the trace summary, 50 requests per transaction as under load (figures per request).</li>
 * </ul>
 * Run: {@code bench/run jmh SpanPathBench -prof gc} (gc.alloc.rate.norm = bytes per request).
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class SpanPathBench {
    private static final String[] STAGES = {"auth", "limits", "prompts", "route"};
    private static final int REQUESTS = 50;

    private Tracing tracing;
    private BatchWriter<SpanRecord> writer;
    private Tracer tracer;
    private final List<SpanRecord> captured = new ArrayList<>();
    private List<SpanRecord> oneRequest;
    private Path dir;
    private Database db;
    private Connection connection;
    private final SpanSink sink = new SpanSink();
    private long seq;

    @Setup
    public void setup() throws Exception {
        dir = Files.createTempDirectory("spanpath");
        writer = new BatchWriter<>("bench-spans", new BatchWriter.Target<SpanRecord>() {
            @Override
            public void write(List<SpanRecord> batch) {}

            @Override
            public boolean reachable() {
                return true;
            }
        }, SpanRecord.class, 100_000, dir, java.time.Duration.ofMillis(50), SpanRecord::endUser);
        tracing = Tracing.create(TracingConfig.DEFAULTS, writer);
        tracer = tracing.tracer();
        // the rows of one request, captured once for the store half
        oneRequest = captureOne();
        db = Database.openSqlite(dir.resolve("s.db"));
        connection = db.connect();
    }

    private List<SpanRecord> captureOne() {
        List<SpanRecord> out = new ArrayList<>();
        io.opentelemetry.sdk.trace.SdkTracerProvider p = io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
                .addSpanProcessor(new io.opentelemetry.sdk.trace.SpanProcessor() {
                    @Override
                    public void onStart(io.opentelemetry.context.Context parent, io.opentelemetry.sdk.trace.ReadWriteSpan span) {}

                    @Override
                    public boolean isStartRequired() {
                        return false;
                    }

                    @Override
                    public void onEnd(io.opentelemetry.sdk.trace.ReadableSpan span) {
                        out.add(StoreSpanProcessor.record(span.toSpanData(), "sluice"));
                    }

                    @Override
                    public boolean isEndRequired() {
                        return true;
                    }
                }).build();
        request(p.get(Tracing.INSTRUMENTATION));
        p.close();
        return out;
    }

    @TearDown
    public void tearDown() throws Exception {
        connection.close();
        db.close();
        tracing.close();
        writer.close();
    }

    /** One request's spans, as ApiEndpoints, Pipeline, Router and RequestSpan make them. */
    static void request(Tracer tracer) {
        Span root = tracer.spanBuilder("chat").setSpanKind(SpanKind.SERVER).startSpan();
        try (Scope r = root.makeCurrent()) {
            root.setAttribute(GenAi.KEY, "key_5fbp0h639r");
            root.setAttribute(GenAi.TEAM, "research");
            root.updateName("chat gpt-4o-mini");
            root.setAttribute(GenAi.OPERATION, "chat");
            root.setAttribute(GenAi.REQUEST_MODEL, "gpt-4o-mini");
            root.setAttribute(GenAi.STREAM, false);
            root.setAttribute(GenAi.REQUEST_TEMPERATURE, 0.0);
            root.setAttribute(GenAi.OUTPUT_TYPE, "text");
            stage(tracer, 0);
            root.setAttribute(GenAi.REQUEST_ID, "req_daf96bc496ad03cbffffffffd378b21e");
            root.setAttribute(GenAi.HTTP_STATUS, 200L);
            root.setAttribute(GenAi.PROVIDER, "sim");
            root.setAttribute(GenAi.RESPONSE_MODEL, "gpt-4o-mini");
            root.setAttribute(GenAi.RESPONSE_ID, "chatcmpl-N3vrwI1NyoTem639zUXSL8Cp");
            root.setAttribute(GenAi.FINISH_REASONS, List.of("stop"));
            root.setAttribute(GenAi.INPUT_TOKENS, 21L);
            root.setAttribute(GenAi.OUTPUT_TOKENS, 16L);
            root.setAttribute(GenAi.KEY, "key_5fbp0h639r");
            root.setAttribute(GenAi.TEAM, "research");
            root.setAttribute(GenAi.COST, 1.275E-5);
            root.setAttribute(GenAi.ATTEMPTS, 1L);
            root.setAttribute(GenAi.TTFT_MS, 1L);
        }
        root.end();
    }

    private static void stage(Tracer tracer, int i) {
        if (i == STAGES.length) {
            Span attempt = tracer.spanBuilder("chat gpt-4o-mini").setSpanKind(SpanKind.CLIENT)
                    .setAttribute(dev.sluice.observe.GenAi.OPERATION, "chat")
                    .setAttribute(dev.sluice.observe.GenAi.PROVIDER, "sim")
                    .setAttribute(dev.sluice.observe.GenAi.REQUEST_MODEL, "gpt-4o-mini").startSpan();
            try (Scope s = attempt.makeCurrent()) {
                attempt.setAttribute(GenAi.RESPONSE_ID, "chatcmpl-N3vrwI1NyoTem639zUXSL8Cp");
                attempt.setAttribute(GenAi.RESPONSE_MODEL, "gpt-4o-mini");
                attempt.setAttribute(GenAi.FINISH_REASONS, List.of("stop"));
                attempt.setAttribute(GenAi.INPUT_TOKENS, 21L);
                attempt.setAttribute(GenAi.OUTPUT_TOKENS, 16L);
            }
            attempt.end();
            return;
        }
        Span span = tracer.spanBuilder(STAGES[i]).startSpan();
        try (Scope s = span.makeCurrent()) {
            stage(tracer, i + 1);
        } finally {
            span.end();
        }
    }

    /** Request side: one request's six spans, made and turned into rows. */
    @Benchmark
    public void request() {
        request(tracer);
    }

    /** Writer side: 50 requests' rows (fresh ids) inserted with their summaries in one SQLite transaction. */
    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public void store() throws Exception {
        List<SpanRecord> batch = new ArrayList<>(REQUESTS * oneRequest.size());
        for (int r = 0; r < REQUESTS; r++) {
            String trace = String.format("%032x", ++seq);
            for (SpanRecord s : oneRequest) {
                batch.add(new SpanRecord(trace, s.spanId(), s.parentSpanId(), s.name(), s.kind(), s.startNanos(),
                        s.endNanos(), s.status(), s.statusMessage(), s.service(), s.sessionId(), s.requestId(),
                        s.endUser(), s.attributes(), s.events(), s.team()));
            }
        }
        try (Statement st = connection.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
        }
        sink.insert(connection, batch);
        try (Statement st = connection.createStatement()) {
            st.execute("COMMIT");
        }
    }
}
