package dev.sluice.observe;

import dev.sluice.store.Database;
import dev.sluice.store.SpanRecord;
import dev.sluice.store.SpanSink;
import dev.sluice.store.TimeLedIds;
import dev.sluice.trace.SpanRows;
import dev.sluice.trace.Tracer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The span writer's store half: one chat request's six span rows (as {@link SpanPathBench} makes them) and their
 * trace summaries inserted by {@link SpanSink} into SQLite, 50 requests a transaction (figures per request), into
 * a store already holding {@code stored} requests, with trace ids as the gateway made them before session 7
 * ({@code ids=random}) and since ({@code ids=time}, {@link TimeLedIds}). Random ids put each request's rows into
 * a random page of the spans' and summaries' primary-key indexes: once those are larger than SQLite's page cache,
 * a page read, written to the WAL and checkpointed again per request. {@code bench/scripts/SpanWriterProbe.java}
 * measures the same with CPU time and bytes read and written.
 * Run: {@code bench/run jmh SpanStoreBench -prof gc}.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class SpanStoreBench {
    private static final int REQUESTS = 50;
    private static final HexFormat HEX = HexFormat.of();

    @Param({"random", "time"})
    public String ids;
    /** Requests in the store before the measurement (its indexes against SQLite's 2 MB default cache). */
    @Param({"0", "60000"})
    public int stored;

    private List<SpanRecord> oneRequest;
    private Path dir;
    private Database db;
    private Connection connection;
    private final SpanSink sink = new SpanSink();
    private long millis = System.currentTimeMillis();

    @Setup
    public void setup() throws Exception {
        dir = Files.createTempDirectory("spanstore");
        List<SpanRecord> rows = new ArrayList<>();
        SpanPathBench.request(Tracer.recording(span -> rows.add(SpanRows.record(span, "sluice"))));
        oneRequest = rows;
        db = Database.openSqlite(dir.resolve("s.db"));
        connection = db.connect();
        for (int i = 0; i < stored; i += REQUESTS) {
            store();
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        connection.close();
        db.close();
    }

    private String traceId() {
        if (ids.equals("time")) {
            return TimeLedIds.hex128(millis += 1);
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return HEX.toHexDigits(r.nextLong()) + HEX.toHexDigits(r.nextLong());
    }

    /** 50 requests' rows (fresh trace ids) inserted with their summaries in one SQLite transaction. */
    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public void store() throws Exception {
        List<SpanRecord> batch = new ArrayList<>(REQUESTS * oneRequest.size());
        for (int r = 0; r < REQUESTS; r++) {
            String trace = traceId();
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
