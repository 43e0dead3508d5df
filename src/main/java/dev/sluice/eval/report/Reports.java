package dev.sluice.eval.report;

import dev.sluice.eval.run.CaseResult;
import dev.sluice.eval.run.RunResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes a run to a file in the format its extension names, as promptfoo does: .json, .xml (JUnit), .md, .csv, .html. */
public final class Reports {
    private Reports() {}

    public static boolean supported(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".json") || name.endsWith(".xml") || name.endsWith(".md") || name.endsWith(".csv")
                || name.endsWith(".html");
    }

    public static void write(RunResult run, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String text;
        if (name.endsWith(".json")) {
            text = JsonReport.write(run);
        } else if (name.endsWith(".xml")) {
            text = JunitReport.write(run);
        } else if (name.endsWith(".md")) {
            text = new ResultTable(run).markdown();
        } else if (name.endsWith(".csv")) {
            text = csv(run);
        } else if (name.endsWith(".html")) {
            text = html(run);
        } else {
            throw new IllegalArgumentException("unsupported output format: " + file + " (use .json, .xml, .md, .csv or .html)");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static String csv(RunResult run) {
        StringBuilder sb = new StringBuilder("test,prompt,target,pass,score,latency_ms,cost_usd,output,reason\n");
        for (CaseResult c : run.cases()) {
            sb.append(cell(c.test().name())).append(',').append(cell(c.prompt())).append(',').append(cell(c.target()))
                    .append(',').append(c.pass()).append(',').append(String.format(Locale.ROOT, "%.4f", c.score())).append(',')
                    .append(Math.round(c.meanLatencyMs())).append(',').append(c.costUsd() == null ? "" : c.costUsd()).append(',')
                    .append(cell(c.output())).append(',').append(cell(c.failureReason())).append('\n');
        }
        return sb.toString();
    }

    private static String cell(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** A self-contained page: the Markdown table's content as HTML, no scripts, no external assets. */
    static String html(RunResult run) {
        StringBuilder sb = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
                .append(JunitReport.text(run.description() != null ? run.description() : "sluice eval"))
                .append("</title><style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
                        + "padding:4px 8px;vertical-align:top}.pass{background:#e6ffed}.fail{background:#ffeef0}"
                        + "pre{white-space:pre-wrap;max-width:40em}</style></head><body>");
        sb.append("<h1>").append(JunitReport.text(run.description() != null ? run.description() : "sluice eval")).append("</h1>");
        sb.append(String.format(Locale.ROOT, "<p>%d passed, %d failed (pass rate %.1f%%), $%.5f, run %s</p>",
                run.passed(), run.failed(), 100 * run.passRate(), run.totalCostUsd(), JunitReport.text(run.runId())));
        sb.append("<table><tr><th>test</th><th>prompt</th><th>target</th><th>verdict</th><th>output</th><th>reason</th></tr>");
        for (CaseResult c : run.cases()) {
            sb.append("<tr class=\"").append(c.pass() ? "pass" : "fail").append("\"><td>").append(JunitReport.text(c.test().name()))
                    .append("</td><td>").append(JunitReport.text(c.prompt())).append("</td><td>").append(JunitReport.text(c.target()))
                    .append("</td><td>").append(c.pass() ? "PASS" : "FAIL").append(String.format(Locale.ROOT, " %.2f", c.score()))
                    .append("</td><td><pre>").append(JunitReport.text(c.output())).append("</pre></td><td>")
                    .append(JunitReport.text(c.failureReason())).append("</td></tr>");
        }
        return sb.append("</table></body></html>\n").toString();
    }
}
