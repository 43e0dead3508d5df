import dev.sluice.store.SpanRecord;
import dev.sluice.trace.GenAi;
import dev.sluice.trace.Span;
import dev.sluice.trace.SpanRows;
import dev.sluice.trace.Tracer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The request thread's half of tracing alone, in CPU time (not wall time: JMH's SpanPathBench.request swings by
 * 100% and more on a loaded machine): one plain chat request's six spans as the gateway makes them (SpanPathBench's
 * request(), copied), ended and turned into their store row by SpanRows (the row kept in a list, no writer), N
 * requests a round. Run each jar in turn, alternated:
 * java -cp JAR [-Dn=200000 -Drounds=8] bench/scripts/TracePathProbe.java
 */
public class TracePathProbe {
    private static final String[] STAGES = {"auth", "limits", "prompts", "route"};
    static final List<SpanRecord> rows = new ArrayList<>();

    public static void main(String[] args) {
        Tracer tracer = Tracer.recording(span -> SpanRows.rows(span, "sluice", rows::add));
        int n = Integer.getInteger("n", 200_000);
        var mx = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < Integer.getInteger("rounds", 8); round++) {
            long a0 = ((com.sun.management.ThreadMXBean) mx).getCurrentThreadAllocatedBytes();
            long c0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                request(tracer);
                rows.clear();
            }
            long cpu = mx.getCurrentThreadCpuTime() - c0;
            long alloc = ((com.sun.management.ThreadMXBean) mx).getCurrentThreadAllocatedBytes() - a0;
            System.out.printf("round %d: %.2f us CPU/request, %d B allocated/request%n", round, cpu / 1e3 / n, alloc / n);
        }
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

    static void stage(Tracer tracer, int i) {
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

}
