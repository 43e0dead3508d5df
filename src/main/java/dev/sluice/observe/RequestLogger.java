package dev.sluice.observe;

import dev.sluice.api.Json;
import dev.sluice.api.Usage;
import dev.sluice.pipeline.Attempt;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.GuardEvent;
import dev.sluice.pipeline.PromptUse;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.RequestRecord;
import dev.sluice.store.SpanRecord;
import dev.sluice.trace.Span;
import dev.sluice.trace.SpanRows;
import java.util.List;
import java.util.function.Consumer;
import java.util.Locale;

/**
 * Records every answered request in the request log once its response is complete (after the
 * last stream chunk, or when the client went away). Hands the record to the asynchronous writer;
 * never blocks the request.
 */
public final class RequestLogger implements Exchange.CompletionListener {
    /** The log's operation column by {@link Exchange.Operation}: the lower-case name, made once, not per request. */
    private static final String[] OPERATIONS = java.util.Arrays.stream(Exchange.Operation.values())
            .map(o -> o.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
    private final BatchWriter<RequestRecord> writer;
    /** Where a root span's row goes when the log row cannot carry it; null: the log never carries one. */
    private final Consumer<SpanRecord> spans;

    /** @param writer where the records go; null: nowhere (a measurement of the gateway without its request log) */
    public RequestLogger(BatchWriter<RequestRecord> writer) {
        this(writer, null);
    }

    /**
     * @param spans where a request's root span row goes when its log row cannot carry it ({@link #completed(Exchange,
     *              Span)}); null: log rows carry no root span
     */
    public RequestLogger(BatchWriter<RequestRecord> writer, Consumer<SpanRecord> spans) {
        this.writer = writer;
        this.spans = writer == null ? null : spans;
    }

    @Override
    public void completed(Exchange ex) {
        log(ex, null);
    }

    /**
     * What logs a request whose root span is {@code root}: its row carries the root's store row (one row a request
     * instead of a log row and a span row, bench/README.md "Session 12"). The root's row is held for it
     * ({@link Span#holdRow()}) when the log can carry it; this listener must run after the one that ends the root
     * (listeners run in reverse order of registration: register it first). Without a root to carry, this logger.
     */
    public Exchange.CompletionListener carrying(Span root) {
        if (writer == null || spans == null || !root.isRecording()) {
            return this;
        }
        root.holdRow();
        return ex -> log(ex, root);
    }

    private void log(Exchange ex, Span root) {
        SpanRecord row = root == null ? null : root.takeRow();
        if (writer == null) {
            if (row != null && spans != null) {
                spans.accept(row);
            }
            return;
        }
        if (row != null && !RequestRecord.carries(ex.traceId(), ex.sessionId(), ex.requestId(), ex.caller().user(),
                ex.caller().team(), row)) {
            spans.accept(row); // not this row's trace, session, request or user: a span row of its own, as before
            row = null;
        }
        Usage usage = ex.usage();
        Usage saved = ex.cacheSavedUsage();
        PromptUse prompt = ex.prompt();
        boolean hasRequest = ex.operation() == Exchange.Operation.CHAT ? ex.chat() != null : ex.embeddings() != null;
        writer.offer(new RequestRecord(ex.startEpochMillis(), ex.requestId(), ex.caller().keyId(), ex.caller().team(),
                ex.caller().user(),
                OPERATIONS[ex.operation().ordinal()], hasRequest ? ex.requestedModel() : null,
                ex.provider(), ex.upstreamModel(), ex.streaming(), ex.status(), ex.errorType(),
                usage == null ? null : usage.promptTokens(), usage == null ? null : usage.completionTokens(),
                ex.ttftMillis(), ex.latencyMillis(), ex.attempts().size(), ex.fallbackModel(), ex.routeReason(),
                attemptLog(ex.attempts()), ex.costUsd(), ex.cacheStatus(), ex.cacheSimilarity(),
                saved == null ? null : saved.promptTokens(), saved == null ? null : saved.completionTokens(),
                ex.traceId(), ex.sessionId(), ex.tags().isEmpty() ? null : Json.string(ex.tags()), guardrails(ex),
                prompt == null ? null : prompt.name(), prompt == null || !prompt.hasPrompt() ? null : prompt.version(),
                prompt == null ? null : prompt.experiment(), prompt == null ? null : prompt.variant(),
                prompt == null ? null : prompt.window(), ex.uid(), row));
    }

    /**
     * The upstream attempts as a JSON array ({provider, model, status, error, ms}), the text Jackson's generator wrote
     * for it (field order, escapes, {@code null} for a missing name), written by hand: a generator per request cost
     * more than the ~70 characters it writes. Null for none.
     */
    static String attemptLog(List<Attempt> attempts) {
        if (attempts.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder(96 * attempts.size());
        out.append('[');
        for (int i = 0; i < attempts.size(); i++) {
            Attempt a = attempts.get(i);
            out.append(i == 0 ? "{\"provider\":" : ",{\"provider\":");
            orNull(out, a.provider());
            out.append(",\"model\":");
            orNull(out, a.upstreamModel());
            out.append(",\"status\":").append(a.status());
            if (a.errorClass() != null) {
                out.append(",\"error\":");
                quote(out, a.errorClass());
            }
            out.append(",\"ms\":").append(a.durationMillis()).append('}');
        }
        return out.append(']').toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * A JSON string as Jackson's generator into bytes escapes it ({@link Json#write}): as {@link SpanRows#string}, and
     * each half of a surrogate pair (a character outside the BMP) as a unicode escape of its own.
     */
    private static void quote(StringBuilder out, String s) {
        int start = out.length();
        SpanRows.string(out, s);
        for (int i = out.length() - 2; i > start; i--) { // rare: the text string() wrote keeps surrogates as they are
            char c = out.charAt(i);
            if (Character.isSurrogate(c)) {
                out.replace(i, i + 1, new String(new char[] {'\\', 'u', HEX[c >> 12], HEX[(c >> 8) & 0xf],
                        HEX[(c >> 4) & 0xf], HEX[c & 0xf]}));
            }
        }
    }

    private static void orNull(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
        } else {
            quote(out, s);
        }
    }

    /** The guardrail events as one short column: {@code input:pii:redact(email);output:toxicity:flag(insult)}. */
    static String guardrails(Exchange ex) {
        if (ex.guardEvents().isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (GuardEvent e : ex.guardEvents()) {
            if (!sb.isEmpty()) {
                sb.append(';');
            }
            sb.append(e.summary());
        }
        return sb.toString();
    }
}
