package dev.sluice.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Scenario (c) alone, against an already running gateway, for A/B runs of one piece of the
 * stream path (bench/scripts/stream-flood.sh starts the processes and reads their CPU):
 * {@code FloodMain HOST PORT KEY STREAMS PER_SECOND PROBES TOKENS ITL_MS}. Prints one line.
 */
public final class FloodMain {
    private FloodMain() {}

    public static void main(String[] a) throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Tell me about LLM gateways.\"}]}";
        String[] headers = {"Authorization", "Bearer " + a[2], "x-sim-tokens", a[6], "x-sim-itl-ms", a[7]};
        int streams = Integer.parseInt(a[3]);
        int perSecond = Integer.parseInt(a[4]);
        int probes = Integer.parseInt(a[5]);
        StreamFlood.Result r = StreamFlood.run(a[0], Integer.parseInt(a[1]), body.getBytes(StandardCharsets.UTF_8),
                headers, streams, perSecond, probes, 50, null, 600_000, null);
        System.out.printf(Locale.ROOT, "completed=%d errors=%d peak_open=%d ramp_ttft_p50_ms=%.1f ramp_ttft_p99_ms=%.1f "
                        + "probe_ttft_p50_ms=%.2f probe_ttft_p90_ms=%.2f probe_ttft_p99_ms=%.2f%s%n",
                r.completed(), r.errors(), r.peakOpen(), r.ttft().percentileMicros(50) / 1000,
                r.ttft().percentileMicros(99) / 1000, r.probeTtft().percentileMicros(50) / 1000,
                r.probeTtft().percentileMicros(90) / 1000, r.probeTtft().percentileMicros(99) / 1000,
                r.firstError() == null ? "" : " first_error=" + r.firstError());
    }
}
