package dev.sluice.bench.jmh;

import dev.sluice.guard.Direction;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.pii.PhoneDetector;
import dev.sluice.guard.pii.PiiScanner;
import dev.sluice.guard.secrets.SecretsScanner;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The secrets and PII scanners on 1 MB hostile messages (issue 14: the old {@code connection_string}
 * regex took 2 s on 40k characters of {@code host=}; the target is 50 ms per megabyte), and on a
 * megabyte of ordinary prose for comparison.
 *
 * <p>Run: {@code bench/run jmh GuardScanBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GuardScanBench {
    private static final int MB = 1 << 20;
    private static final ScanContext CONTEXT = ScanContext.of(Direction.INPUT, "user");

    @Param({"host=", "sk-", "password=", "a@", "12 34 ", "prose"})
    public String input;

    private String text;
    private SecretsScanner secrets;
    private PiiScanner pii;

    @Setup
    public void setUp() {
        String unit = input.equals("prose")
                ? "The river ran past the old mill, where the miller's daughter counted barges at dawn. "
                : input;
        StringBuilder sb = new StringBuilder(MB);
        while (sb.length() < MB - unit.length() - 16) {
            sb.append(unit);
        }
        text = sb.append(" password=x").toString();
        secrets = SecretsScanner.of(List.of(), List.of());
        pii = PiiScanner.of(List.of("email", "iban", "credit_card", "us_ssn", "ip_address", "phone"),
                PhoneDetector.DEFAULT_REGIONS, List.of());
    }

    @Benchmark
    public int secrets() {
        return secrets.scan(text, CONTEXT).size();
    }

    @Benchmark
    public int pii() {
        return pii.scan(text, CONTEXT).size();
    }
}
