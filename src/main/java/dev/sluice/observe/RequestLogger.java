package dev.sluice.observe;

import dev.sluice.api.Json;
import dev.sluice.api.Usage;
import dev.sluice.pipeline.Attempt;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.GuardEvent;
import dev.sluice.pipeline.PromptUse;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.RequestRecord;
import java.util.Locale;

/**
 * Records every answered request in the request log once its response is complete (after the
 * last stream chunk, or when the client went away). Hands the record to the asynchronous writer;
 * never blocks the request.
 */
public final class RequestLogger implements Exchange.CompletionListener {
    private final BatchWriter<RequestRecord> writer;

    /** @param writer where the records go; null: nowhere (a measurement of the gateway without its request log) */
    public RequestLogger(BatchWriter<RequestRecord> writer) {
        this.writer = writer;
    }

    @Override
    public void completed(Exchange ex) {
        if (writer == null) {
            return;
        }
        Usage usage = ex.usage();
        Usage saved = ex.cacheSavedUsage();
        PromptUse prompt = ex.prompt();
        boolean hasRequest = ex.operation() == Exchange.Operation.CHAT ? ex.chat() != null : ex.embeddings() != null;
        writer.offer(new RequestRecord(ex.startEpochMillis(), ex.requestId(), ex.caller().keyId(), ex.caller().team(),
                ex.caller().user(),
                ex.operation().name().toLowerCase(Locale.ROOT), hasRequest ? ex.requestedModel() : null,
                ex.provider(), ex.upstreamModel(), ex.streaming(), ex.status(), ex.errorType(),
                usage == null ? null : usage.promptTokens(), usage == null ? null : usage.completionTokens(),
                ex.ttftMillis(), ex.latencyMillis(), ex.attempts().size(), ex.fallbackModel(), ex.routeReason(),
                attemptLog(ex), ex.costUsd(), ex.cacheStatus(), ex.cacheSimilarity(),
                saved == null ? null : saved.promptTokens(), saved == null ? null : saved.completionTokens(),
                ex.traceId(), ex.sessionId(), ex.tags().isEmpty() ? null : Json.string(ex.tags()), guardrails(ex),
                prompt == null ? null : prompt.name(), prompt == null || !prompt.hasPrompt() ? null : prompt.version(),
                prompt == null ? null : prompt.experiment(), prompt == null ? null : prompt.variant(),
                prompt == null ? null : prompt.window(), ex.uid()));
    }

    private static String attemptLog(Exchange ex) {
        if (ex.attempts().isEmpty()) {
            return null;
        }
        return new String(Json.write(gen -> {
            gen.writeStartArray();
            for (Attempt a : ex.attempts()) {
                gen.writeStartObject();
                gen.writeStringField("provider", a.provider());
                gen.writeStringField("model", a.upstreamModel());
                gen.writeNumberField("status", a.status());
                if (a.errorClass() != null) {
                    gen.writeStringField("error", a.errorClass());
                }
                gen.writeNumberField("ms", a.durationMillis());
                gen.writeEndObject();
            }
            gen.writeEndArray();
        }), java.nio.charset.StandardCharsets.UTF_8);

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
