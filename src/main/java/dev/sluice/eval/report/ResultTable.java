package dev.sluice.eval.report;

import dev.sluice.eval.run.CaseResult;
import dev.sluice.eval.run.RunResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run as a grid, tests down and prompt × target columns across (so two prompts or two models
 * are compared side by side), with a totals row per column; rendered as a console table or as
 * Markdown for a pull-request comment.
 */
public final class ResultTable {
    private final List<String> header = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final RunResult run;

    public ResultTable(RunResult run) {
        this.run = run;
        header.add("test");
        List<String[]> columns = new ArrayList<>();
        for (String p : run.prompts()) {
            for (String t : run.targets()) {
                columns.add(new String[] {p, t});
                header.add(run.prompts().size() == 1 ? t : run.targets().size() == 1 ? p : p + " | " + t);
            }
        }
        Map<Integer, Map<String, CaseResult>> byTest = new LinkedHashMap<>();
        for (CaseResult c : run.cases()) {
            byTest.computeIfAbsent(c.testIndex(), k -> new LinkedHashMap<>()).put(c.prompt() + "\u0000" + c.target(), c);
        }
        byTest.forEach((index, cells) -> {
            List<String> row = new ArrayList<>();
            row.add(cells.values().iterator().next().test().name());
            for (String[] col : columns) {
                CaseResult c = cells.get(col[0] + "\u0000" + col[1]);
                row.add(c == null ? "" : cell(c));
                if (c != null && !c.pass()) {
                    failures.add(c.test().name() + " [" + (run.prompts().size() > 1 ? col[0] + " | " : "") + col[1] + "]: "
                            + shorten(c.failureReason(), 240));
                }
            }
            rows.add(row);
        });
        List<String> totals = new ArrayList<>();
        totals.add("pass rate / latency / cost");
        for (String[] col : columns) {
            List<CaseResult> cases = run.column(col[0], col[1]);
            long passed = cases.stream().filter(CaseResult::pass).count();
            double latency = cases.stream().mapToDouble(CaseResult::meanLatencyMs).average().orElse(0);
            double cost = cases.stream().map(CaseResult::costUsd).filter(java.util.Objects::nonNull).mapToDouble(d -> d).sum();
            totals.add(String.format(Locale.ROOT, "%d/%d %.0f%% %dms $%.5f", passed, cases.size(),
                    cases.isEmpty() ? 0 : 100.0 * passed / cases.size(), Math.round(latency), cost));
        }
        rows.add(totals);
    }

    private String cell(CaseResult c) {
        String verdict = (c.pass() ? "PASS " : "FAIL ") + String.format(Locale.ROOT, "%.2f", c.score());
        if (c.trials().size() > 1) {
            verdict += String.format(Locale.ROOT, " (%d/%d, %.2f-%.2f)", c.passedTrials(), c.trials().size(),
                    c.minScore(), c.maxScore());
        }
        return verdict;
    }

    public String console() {
        int[] widths = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                widths[i] = Math.min(60, Math.max(widths[i], r.get(i).length()));
            }
        }
        StringBuilder sb = new StringBuilder();
        if (run.description() != null) {
            sb.append(run.description()).append('\n');
        }
        String rule = rule(widths);
        sb.append(rule).append(line(header, widths)).append(rule);
        for (int i = 0; i < rows.size(); i++) {
            if (i == rows.size() - 1) {
                sb.append(rule);
            }
            sb.append(line(rows.get(i), widths));
        }
        sb.append(rule);
        if (!failures.isEmpty()) {
            sb.append("\nFailures:\n");
            failures.forEach(f -> sb.append("  - ").append(f).append('\n'));
        }
        sb.append(String.format(Locale.ROOT, "%nRun %s: %d passed, %d failed%s (pass rate %.1f%%), %d tokens, $%.5f, %.1f s%n",
                run.runId(), run.passed(), run.failed(), run.errors() > 0 ? " (" + run.errors() + " with errors)" : "",
                100 * run.passRate(), run.totalTokens(), run.totalCostUsd(), run.durationMs() / 1000.0));
        return sb.toString();
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("## ").append(run.description() != null ? run.description() : "sluice eval").append("\n\n");
        sb.append(String.format(Locale.ROOT, "**%d passed, %d failed** (pass rate %.1f%%), $%.5f, run `%s`%n%n",
                run.passed(), run.failed(), 100 * run.passRate(), run.totalCostUsd(), run.runId()));
        sb.append('|').append(String.join("|", header.stream().map(ResultTable::md).toList())).append("|\n|");
        sb.append("---|".repeat(header.size())).append('\n');
        for (List<String> r : rows) {
            sb.append('|').append(String.join("|", r.stream().map(c -> md(c.replace("PASS", "✅").replace("FAIL", "❌"))).toList()))
                    .append("|\n");
        }
        if (!failures.isEmpty()) {
            sb.append("\n<details><summary>Failures</summary>\n\n");
            failures.forEach(f -> sb.append("- ").append(md(f)).append('\n'));
            sb.append("\n</details>\n");
        }
        return sb.toString();
    }

    private static String md(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static String rule(int[] widths) {
        StringBuilder sb = new StringBuilder("+");
        for (int w : widths) {
            sb.append("-".repeat(w + 2)).append('+');
        }
        return sb.append('\n').toString();
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder sb = new StringBuilder("|");
        for (int i = 0; i < widths.length; i++) {
            String c = i < cells.size() ? shorten(cells.get(i).replace('\n', ' '), widths[i]) : "";
            sb.append(' ').append(c).append(" ".repeat(widths[i] - c.length())).append(" |");
        }
        return sb.append('\n').toString();
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max - 3)) + "...";
    }
}
