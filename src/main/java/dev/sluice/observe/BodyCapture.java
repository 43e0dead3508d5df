package dev.sluice.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.ObservedChunkStream;
import dev.sluice.api.EmbeddingCodec;
import dev.sluice.api.ErrorCodec;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.api.StreamAssembler;
import dev.sluice.config.TracingConfig;
import dev.sluice.pipeline.Chain;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.BodyRecord;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Stores the request and response bodies of a sample of requests ({@code tracing.capture}), in the
 * {@code bodies} table through a {@link BatchWriter} (never blocking the request):
 * <ul>
 *   <li>{@code full}: the request as the client sent it and the answer (a streamed answer assembled
 *       from its chunks, cut-off streams as far as they got, errors as their OpenAI error body);</li>
 *   <li>{@code metadata}: the same JSON with every piece of content (message text, tool arguments,
 *       embedding inputs, image URLs) replaced by its length, so shapes can be inspected without
 *       keeping what users wrote;</li>
 * </ul>
 * With {@code redact} (the default), PII and secrets are masked before the record is queued, so the
 * originals never reach the disk, the spill file included. It sits right after authentication, so
 * requests refused by limits or guardrails are captured with their error too.
 */
public final class BodyCapture implements Stage {
    /** Longest stored JSON per side; larger bodies keep a prefix and say they were cut. */
    static final int MAX_CHARS = 256 * 1024;
    private static final Set<String> CONTENT_FIELDS = Set.of("content", "text", "arguments", "refusal", "input",
            "url", "data", "prompt", "embedding");

    private final BatchWriter<BodyRecord> writer;
    private final boolean full;
    private final double sampleRate;
    private final UnaryOperator<JsonNode> redactor;

    /**
     * @param redactor masks PII and secrets in a JSON tree in place (the guardrails' detectors; passed
     *                 in so this package does not depend on another stage's)
     */
    public BodyCapture(TracingConfig config, BatchWriter<BodyRecord> writer, UnaryOperator<JsonNode> redactor) {
        this.writer = writer;
        this.full = config.capture().equals("full");
        this.sampleRate = config.sampleRate();
        this.redactor = config.redact() ? redactor : null;
    }

    /** True when a capture mode stores anything at all. */
    public static boolean enabled(TracingConfig config) {
        return !config.capture().equals("none") && config.sampleRate() > 0;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        if (sampleRate < 1 && ThreadLocalRandom.current().nextDouble() >= sampleRate) {
            return next.proceed(ex);
        }
        JsonNode request = Json.parse(ex.operation() == Exchange.Operation.CHAT
                ? ChatRequestCodec.write(ex.chat()) : EmbeddingCodec.writeRequest(ex.embeddings()));
        Captured captured = new Captured();
        ex.onComplete(done -> writer.offer(record(done, request, captured)));
        Reply reply = next.proceed(ex);
        return switch (reply) {
            case Reply.Chat c -> {
                captured.response = Json.parse(ChatResponseCodec.writeResponse(c.response()));
                yield reply;
            }
            case Reply.Embeddings e -> {
                // vectors are the upstream's, large and not what anyone debugs: only their size is kept
                JsonNode body = Json.parse(EmbeddingCodec.writeResponse(e.response()));
                if (full) {
                    body.path("data").forEach(item -> contentFree(item, false));
                }
                captured.response = body;
                yield reply;
            }
            case Reply.Failure f -> {
                captured.response = Json.parse(ErrorCodec.write(f.error()));
                yield reply;
            }
            case Reply.Stream s -> new Reply.Stream(new CapturingStream(s.chunks(), captured));
        };
    }

    private BodyRecord record(Exchange ex, JsonNode request, Captured captured) {
        JsonNode response = captured.response();
        if (response == null) {
            response = Json.object().set("error", Json.object().put("status", ex.status()).put("type", ex.errorType()));
        }
        return new BodyRecord(ex.requestId(), ex.startEpochMillis(), ex.caller().user(), ex.caller().team(), store(request),
                store(response), ex.uid());
    }

    private String store(JsonNode body) {
        JsonNode shaped = full ? body : contentFree(body, false);
        if (redactor != null) {
            redactor.apply(shaped);
        }
        String text = Json.string(shaped);
        if (text.length() <= MAX_CHARS) {
            return text;
        }
        return Json.string(Json.object().put("truncated", true).put("chars", text.length())
                .put("prefix", text.substring(0, MAX_CHARS)));
    }

    /** The tree with every string under a content-bearing field replaced by {@code "[N chars]"}. */
    static JsonNode contentFree(JsonNode node, boolean inContent) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                boolean content = inContent || CONTENT_FIELDS.contains(field.getKey());
                if (field.getValue().isTextual()) {
                    if (content) {
                        field.setValue(TextNode.valueOf("[" + field.getValue().textValue().length() + " chars]"));
                    }
                } else {
                    contentFree(field.getValue(), content);
                }
            }
        } else if (node instanceof ArrayNode array) {
            if (inContent && array.size() > 0 && array.get(0).isNumber()) {
                // token ids or an embedding vector: its size says enough
                int n = array.size();
                array.removeAll();
                array.add("[" + n + " numbers]");
                return node;
            }
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    if (inContent) {
                        array.set(i, TextNode.valueOf("[" + array.get(i).textValue().length() + " chars]"));
                    }
                } else {
                    contentFree(array.get(i), inContent);
                }
            }
        }
        return node;
    }

    /** The answer as it becomes known: set by the stage, or assembled from a stream. */
    private static final class Captured {
        volatile JsonNode response;
        volatile StreamAssembler assembler;
        volatile SluiceException streamError;

        JsonNode response() {
            if (assembler == null) {
                return response;
            }
            ChatResponse soFar = assembler.soFar();
            ObjectNode out = soFar == null ? Json.object() : (ObjectNode) Json.parse(ChatResponseCodec.writeResponse(soFar));
            out.put("stream", true);
            if (streamError != null) {
                out.set("error", Json.parse(ErrorCodec.write(streamError)).path("error"));
            }
            return out;
        }
    }

    /** Passes chunks through unchanged while assembling them for the record. */
    private static final class CapturingStream extends ObservedChunkStream {
        private final Captured captured;
        private final StreamAssembler assembler = new StreamAssembler();

        CapturingStream(ChunkStream source, Captured captured) {
            super(source);
            this.captured = captured;
            captured.assembler = assembler;
        }

        @Override
        protected void observe(ChatChunk chunk) {
            if (chunk != null) {
                assembler.add(chunk);
            }
        }

        @Override
        protected void failed(SluiceException error) {
            captured.streamError = error;
        }
    }
}
