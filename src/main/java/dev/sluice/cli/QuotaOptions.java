package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** Limits and budget options shared by {@code keys create} and {@code teams create}. */
final class QuotaOptions {
    @Option(names = "--rpm", description = "Requests per minute.")
    Integer rpm;

    @Option(names = "--tpm", description = "Tokens per minute.")
    Integer tpm;

    @Option(names = "--concurrency", description = "Requests in flight at once.")
    Integer concurrency;

    @Option(names = "--daily-usd", description = "Budget per UTC day, in USD.")
    Double dailyUsd;

    @Option(names = "--monthly-usd", description = "Budget per UTC month, in USD.")
    Double monthlyUsd;

    void addTo(ObjectNode body) {
        if (rpm != null || tpm != null || concurrency != null) {
            ObjectNode limits = body.putObject("limits");
            if (rpm != null) {
                limits.put("rpm", rpm);
            }
            if (tpm != null) {
                limits.put("tpm", tpm);
            }
            if (concurrency != null) {
                limits.put("concurrency", concurrency);
            }
        }
        if (dailyUsd != null || monthlyUsd != null) {
            ObjectNode budget = body.putObject("budget");
            if (dailyUsd != null) {
                budget.put("daily_usd", dailyUsd);
            }
            if (monthlyUsd != null) {
                budget.put("monthly_usd", monthlyUsd);
            }
        }
    }
}
