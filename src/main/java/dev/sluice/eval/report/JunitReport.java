package dev.sluice.eval.report;

import dev.sluice.eval.run.CaseResult;
import dev.sluice.eval.run.RunResult;
import java.util.List;
import java.util.Locale;

/**
 * JUnit XML for CI systems (GitHub Actions, GitLab, Jenkins): one {@code testsuite} per prompt ×
 * target, one {@code testcase} per test, named by the test's description when it has one, with a
 * {@code failure} element carrying the failed checks' reasons.
 */
public final class JunitReport {
    private JunitReport() {}

    public static String write(RunResult run) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<testsuites name=\"").append(attr(run.description() != null ? run.description() : "sluice eval"))
                .append("\" tests=\"").append(run.cases().size()).append("\" failures=\"").append(run.failed())
                .append("\" time=\"").append(seconds(run.durationMs())).append("\">\n");
        for (String prompt : run.prompts()) {
            for (String target : run.targets()) {
                List<CaseResult> column = run.column(prompt, target);
                long failures = column.stream().filter(c -> !c.pass()).count();
                sb.append("  <testsuite name=\"").append(attr(prompt + " | " + target)).append("\" tests=\"")
                        .append(column.size()).append("\" failures=\"").append(failures).append("\" errors=\"0\">\n");
                for (CaseResult c : column) {
                    sb.append("    <testcase name=\"").append(attr(c.test().name())).append("\" classname=\"")
                            .append(attr(prompt + " | " + target)).append("\" time=\"")
                            .append(seconds(Math.round(c.meanLatencyMs()))).append('"');
                    if (c.pass()) {
                        sb.append("/>\n");
                    } else {
                        String reason = c.failureReason();
                        sb.append(">\n      <failure message=\"").append(attr(firstLine(reason))).append("\" type=\"AssertionFailure\">")
                                .append(text(reason + "\n\nOutput:\n" + c.output())).append("</failure>\n    </testcase>\n");
                    }
                }
                sb.append("  </testsuite>\n");
            }
        }
        return sb.append("</testsuites>\n").toString();
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }

    private static String firstLine(String s) {
        String line = s.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 297) + "..." : line;
    }

    static String attr(String s) {
        return text(s).replace("\"", "&quot;").replace("\n", "&#10;");
    }

    /** XML text: escaped, and without characters XML 1.0 forbids (a model may emit control characters). */
    static String text(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                default -> {
                    boolean legal = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                            || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
                    if (legal) {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.toString();
    }
}
