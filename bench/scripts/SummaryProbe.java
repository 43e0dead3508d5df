import dev.sluice.store.SpanRecord;
import dev.sluice.store.StageSpans;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The span writer's trace-summary work alone (session 11), CPU time per request on this thread: a chat request's
 * span row (SpanWriterProbe -Dordered -Dfold -DfoldAttempt: the root with its stages and attempt folded in),
 * summed by TraceSummaries.summarise after StageSpans.expand (before session 11) and straight from the rows (the
 * stages read by a scan), alternated round by round in batches of BATCH requests. No SQL: the Java half only.
 * run: java -cp target/sluice.jar -Dordered=true -Dfold=true -DfoldAttempt=true [-Dn=200000 -Dbatch=200 -Drounds=6]
 *      bench/scripts/SummaryProbe.java   (the source launcher finds SpanWriterProbe next to this file)
 */
public class SummaryProbe {
    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("n", 200_000), batch = Integer.getInteger("batch", 200);
        Method summarise = Class.forName("dev.sluice.store.TraceSummaries").getDeclaredMethod("summarise", Collection.class);
        summarise.setAccessible(true);
        List<List<SpanRecord>> batches = new ArrayList<>();
        List<SpanRecord> rows = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            SpanWriterProbe.request(rows);
            if ((r + 1) % batch == 0) {
                batches.add(rows);
                rows = new ArrayList<>();
            }
        }
        var mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int round = 0; round < Integer.getInteger("rounds", 6); round++) {
            for (int m = 0; m < 2; m++) {
                boolean expand = (m + round) % 2 == 0;
                long cpu0 = mx.getCurrentThreadCpuTime();
                for (List<SpanRecord> b : batches) {
                    sink += ((List<?>) summarise.invoke(null, expand ? StageSpans.expand(b, false) : b)).size();
                }
                long cpu = mx.getCurrentThreadCpuTime() - cpu0;
                System.out.printf("round %d %-6s %.2f us CPU/request%n", round, expand ? "expand" : "scan",
                        cpu / 1e3 / (batches.size() * (double) batch));
            }
        }
        System.out.println("(summary rows " + sink + ")");
    }
}
