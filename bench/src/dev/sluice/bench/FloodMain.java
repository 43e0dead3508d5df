package dev.sluice.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Scenario (c) alone, against an already running gateway, for A/B runs of one piece of the
 * stream path (bench/scripts/stream-flood.sh starts the processes and reads their CPU):
 * {@code FloodMain HOST PORT KEY STREAMS PER_SECOND PROBES TOKENS ITL_MS [SIM_PORT [PROBE_LOG]]}. Prints one line.
 * With SIM_PORT every other probe goes straight to the simulator on 127.0.0.1:SIM_PORT in the same seconds (as
 * {@code bench/run} does); with PROBE_LOG each probe's kind, send time (System.nanoTime, CLOCK_MONOTONIC, the
 * clock of a JVM's {@code -Xlog:...:timenanos}) and TTFT in ns are written there, one line each.
 */
public final class FloodMain {
    private FloodMain() {}

    public static void main(String[] a) throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Tell me about LLM gateways.\"}]}";
        // -Dflood.itlScheduled=true: the simulator paces each stream on its own schedule (x-sim-itl-scheduled), so a
        // pause of the simulator does not leave the streams it held in step for the rest of the flood
        String scheduled = Boolean.getBoolean("flood.itlScheduled") ? "true" : "false";
        String[] headers = {"Authorization", "Bearer " + a[2], "x-sim-tokens", a[6], "x-sim-itl-ms", a[7],
                "x-sim-itl-scheduled", scheduled};
        int streams = Integer.parseInt(a[3]);
        int perSecond = Integer.parseInt(a[4]);
        int probes = Integer.parseInt(a[5]);
        StreamFlood.Baseline baseline = a.length > 8 ? new StreamFlood.Baseline("127.0.0.1", Integer.parseInt(a[8]),
                new String[] {"x-sim-tokens", a[6], "x-sim-itl-ms", a[7], "x-sim-itl-scheduled", scheduled}) : null;
        StringBuilder log = new StringBuilder();
        StringBuilder reads = new StringBuilder();
        StreamFlood.Result r = StreamFlood.run(a[0], Integer.parseInt(a[1]), body.getBytes(StandardCharsets.UTF_8),
                headers, streams, perSecond, probes, 50, null, 600_000, baseline, new StreamFlood.ProbeSink() {
                    @Override
                    public void probe(boolean direct, long sent, long ttft) {
                        log.append(direct ? "direct " : "gateway ").append(sent).append(' ').append(ttft).append('\n');
                    }

                    @Override
                    public void reads(long startNanos, int[] per10ms) {
                        int last = per10ms.length - 1;
                        while (last > 0 && per10ms[last] == 0) {
                            last--;
                        }
                        reads.append(startNanos).append('\n');
                        for (int i = 0; i <= last; i++) {
                            reads.append(per10ms[i]).append('\n');
                        }
                    }
                });
        if (a.length > 9) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(a[9]), log);
            // PROBE_LOG.reads: the start (System.nanoTime), then the held streams' reads per 10 ms, one a line
            java.nio.file.Files.writeString(java.nio.file.Path.of(a[9] + ".reads"), reads);
        }
        System.out.printf(Locale.ROOT, "completed=%d errors=%d peak_open=%d ramp_ttft_p50_ms=%.1f ramp_ttft_p99_ms=%.1f "
                        + "probe_ttft_p50_ms=%.2f probe_ttft_p90_ms=%.2f probe_ttft_p99_ms=%.2f "
                        + "direct_p50_ms=%.2f direct_p90_ms=%.2f direct_p99_ms=%.2f%s%n",
                r.completed(), r.errors(), r.peakOpen(), r.ttft().percentileMicros(50) / 1000,
                r.ttft().percentileMicros(99) / 1000, r.probeTtft().percentileMicros(50) / 1000,
                r.probeTtft().percentileMicros(90) / 1000, r.probeTtft().percentileMicros(99) / 1000,
                r.baselineProbeTtft().percentileMicros(50) / 1000, r.baselineProbeTtft().percentileMicros(90) / 1000,
                r.baselineProbeTtft().percentileMicros(99) / 1000,
                r.firstError() == null ? "" : " first_error=" + r.firstError());
    }
}
