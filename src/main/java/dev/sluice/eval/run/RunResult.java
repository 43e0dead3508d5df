package dev.sluice.eval.run;

import java.time.Instant;
import java.util.List;

/**
 * A finished run: its id (tagged on every request as {@code eval_run}), the suite, when it ran and
 * every case.
 */
public record RunResult(String runId, String description, String suiteFile, Instant started, long durationMs,
                        List<String> prompts, List<String> targets, List<CaseResult> cases, RepeatRule rule,
                        int repeat) {
    public RunResult {
        prompts = List.copyOf(prompts);
        targets = List.copyOf(targets);
        cases = List.copyOf(cases);
    }

    public int passed() {
        return (int) cases.stream().filter(CaseResult::pass).count();
    }

    public int failed() {
        return cases.size() - passed();
    }

    /** Cases that got no answer at all (gateway errors) in any trial. */
    public int errors() {
        return (int) cases.stream().filter(c -> c.trials().stream().anyMatch(t -> t.answer().failed())).count();
    }

    public double passRate() {
        return cases.isEmpty() ? 1 : (double) passed() / cases.size();
    }

    public double totalCostUsd() {
        return cases.stream().map(CaseResult::costUsd).filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).sum();
    }

    public int totalTokens() {
        return cases.stream().flatMap(c -> c.trials().stream())
                .mapToInt(t -> t.answer().promptTokens() + t.answer().completionTokens()).sum();
    }

    public double meanLatencyMs() {
        return cases.stream().flatMap(c -> c.trials().stream()).mapToLong(t -> t.answer().latencyMs()).average().orElse(0);
    }

    /** The cases of one prompt × target column. */
    public List<CaseResult> column(String prompt, String target) {
        return cases.stream().filter(c -> c.prompt().equals(prompt) && c.target().equals(target)).toList();
    }
}
