package dev.sluice.observe;

import dev.sluice.trace.GenAi;
import dev.sluice.config.TracingConfig;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.Database;
import dev.sluice.store.SpanRecord;
import dev.sluice.store.SpanSink;
import dev.sluice.trace.Span;
import dev.sluice.trace.SpanRows;
import dev.sluice.trace.Tracer;
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
 *       turned into store rows by {@link SpanRows} (queued to a writer whose target drops them);</li>
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
        }, SpanRecord.class, 6_000_000, dir, java.time.Duration.ofMillis(50), SpanRecord::endUser);
        tracing = Tracing.create(TracingConfig.DEFAULTS, writer);
        tracer = tracing.tracer();
        // the rows of one request, captured once for the store half
        oneRequest = captureOne();
        db = Database.openSqlite(dir.resolve("s.db"));
        connection = db.connect();
    }

    private List<SpanRecord> captureOne() {
        List<SpanRecord> out = new ArrayList<>();
        request(Tracer.recording(span -> out.add(SpanRows.record(span, "sluice"))));
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
        Span root = tracer.startRoot("chat", Span.Kind.SERVER, (dev.sluice.trace.TraceParent) null);
        try (Tracer.Scope r = root.makeCurrent()) {
            root.set(GenAi.KEY, "key_5fbp0h639r");
            root.set(GenAi.TEAM, "research");
            root.updateName("chat gpt-4o-mini");
            root.set(GenAi.OPERATION, "chat");
            root.set(GenAi.REQUEST_MODEL, "gpt-4o-mini");
            root.set(GenAi.STREAM, false);
            root.set(GenAi.REQUEST_TEMPERATURE, 0.0);
            root.set(GenAi.OUTPUT_TYPE, "text");
            stage(tracer, 0);
            root.set(GenAi.REQUEST_ID, "req_daf96bc496ad03cbffffffffd378b21e");
            root.set(GenAi.HTTP_STATUS, 200L);
            root.set(GenAi.PROVIDER, "sim");
            root.set(GenAi.RESPONSE_MODEL, "gpt-4o-mini");
            root.set(GenAi.RESPONSE_ID, "chatcmpl-N3vrwI1NyoTem639zUXSL8Cp");
            root.set(GenAi.FINISH_REASONS, List.of("stop"));
            root.set(GenAi.INPUT_TOKENS, 21L);
            root.set(GenAi.OUTPUT_TOKENS, 16L);
            root.set(GenAi.KEY, "key_5fbp0h639r");
            root.set(GenAi.TEAM, "research");
            root.set(GenAi.COST, 1.275E-5);
            root.set(GenAi.ATTEMPTS, 1L);
            root.set(GenAi.TTFT_MS, 1L);
        }
        root.end();
    }

    private static void stage(Tracer tracer, int i) {
        if (i == STAGES.length) {
            Span attempt = tracer.start("chat gpt-4o-mini", Span.Kind.CLIENT, GenAi.OPERATION, "chat",
                    GenAi.PROVIDER, "sim", GenAi.REQUEST_MODEL, "gpt-4o-mini");
            try (Tracer.Scope s = attempt.makeCurrent()) {
                attempt.set(GenAi.RESPONSE_ID, "chatcmpl-N3vrwI1NyoTem639zUXSL8Cp");
                attempt.set(GenAi.RESPONSE_MODEL, "gpt-4o-mini");
                attempt.set(GenAi.FINISH_REASONS, List.of("stop"));
                attempt.set(GenAi.INPUT_TOKENS, 21L);
                attempt.set(GenAi.OUTPUT_TOKENS, 16L);
            }
            attempt.end();
            return;
        }
        Span span = tracer.start(STAGES[i]);
        try (Tracer.Scope s = span.makeCurrent()) {
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
