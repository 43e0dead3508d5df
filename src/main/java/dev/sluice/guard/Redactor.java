package dev.sluice.guard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Rewrites the redacted spans of a text: masks, or reversible placeholders from a vault. */
public final class Redactor {
    private Redactor() {}

    /** A span to replace and the scanner that found it (which decides the mask). */
    public record Span(Finding finding, Scanner scanner) {}

    /** The spans of the redacting triggers, overlaps merged in favour of the earlier, longer span. */
    public static List<Span> spans(List<Trigger> triggers) {
        List<Span> spans = new ArrayList<>();
        for (Trigger t : triggers) {
            if (t.rule().action() != Action.REDACT || !Inspection.acts(t)) {
                continue;
            }
            for (Finding f : t.findings()) {
                if (f.isSpan()) {
                    spans.add(new Span(f, t.rule().scanner()));
                }
            }
        }
        spans.sort(Comparator.comparingInt((Span s) -> s.finding().start()).thenComparingInt(s -> -s.finding().end()));
        return dropOverlaps(spans);
    }

    /** Spans sorted by start, without those overlapping an earlier one (the earlier one wins). */
    static List<Span> dropOverlaps(List<Span> sorted) {
        List<Span> kept = new ArrayList<>(sorted.size());
        int end = -1;
        for (Span s : sorted) {
            if (s.finding().start() >= end) {
                kept.add(s);
                end = s.finding().end();
            }
        }
        return kept;
    }

    /**
     * The text with each span replaced. With a vault, spans of reversible scanners become
     * placeholders; everything else is masked.
     */
    public static String apply(String text, List<Span> spans, PlaceholderVault vault) {
        if (spans.isEmpty()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        int last = 0;
        for (Span s : spans) {
            Finding f = s.finding();
            int start = Math.max(f.start(), last);
            int end = Math.min(f.end(), text.length());
            if (start >= end) {
                continue;
            }
            sb.append(text, last, start);
            if (vault != null && s.scanner().reversible()) {
                sb.append(vault.placeholder(f.type(), text.substring(start, end)));
            } else {
                sb.append(s.scanner().mask(f));
            }
            last = end;
        }
        return sb.append(text, last, text.length()).toString();
    }
}
