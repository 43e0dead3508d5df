package dev.sluice.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkChoice;
import dev.sluice.api.Delta;
import dev.sluice.api.ToolCall;
import dev.sluice.api.ToolCallDelta;
import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.SseChunkDecoder;
import dev.sluice.provider.SseReader;
import dev.sluice.provider.UpstreamException;
import dev.sluice.provider.UpstreamHttp;
import dev.sluice.provider.gemini.GeminiWire.GeminiUsage;
import dev.sluice.provider.gemini.GeminiWire.Ids;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes Gemini's {@code streamGenerateContent?alt=sse} body into canonical chunks, one upstream
 * event at a time. Each {@code data:} event is a partial {@code GenerateContentResponse}; there is
 * no end marker, the body just ends.
 *
 * <ul>
 *   <li>a candidate's first appearance → a chunk with {@code role: assistant} for its index</li>
 *   <li>its text parts → one content chunk (thought parts are skipped)</li>
 *   <li>each {@code functionCall} part → one tool call delta, complete (id, name and all the
 *       arguments): Gemini never splits a call across events. Calls are numbered from 0 per
 *       candidate, ids are made up</li>
 *   <li>its {@code finishReason} → a chunk with the finish reason ({@code tool_calls} when it called
 *       functions)</li>
 *   <li>{@code usageMetadata} → remembered (each event carries the running totals); the usage chunk
 *       (no choices) is sent when the body ends</li>
 *   <li>{@code promptFeedback.blockReason} without candidates → a CONTENT_FILTER failure;
 *       {@code {"error":{...}}} → a classified failure; the body ending before every candidate has a
 *       finish reason → {@link ErrorClass#CONNECTION}</li>
 * </ul>
 *
 * One event can yield several chunks; they wait in a small queue.
 */
final class GeminiStreamDecoder extends SseChunkDecoder {
    private static final Delta ROLE = new Delta("assistant", "", List.of(), null);
    private static final Delta EMPTY = new Delta(null, null, List.of(), null);

    private final Ids ids;
    private final long created;
    private final ArrayDeque<ChatChunk> pending = new ArrayDeque<>();
    /** Per candidate index: how many tool calls it made, and whether it finished. */
    private final Map<Integer, CandidateState> candidates = new HashMap<>();

    private String id;
    private String model;
    private GeminiUsage usage;

    private static final class CandidateState {
        int toolCalls;
        boolean done;
    }

    GeminiStreamDecoder(String provider, String model, UpstreamHttp http, UpstreamHttp.Response response, Clock clock,
                        Ids ids) {
        super(provider, http, response);
        this.model = model;
        this.ids = ids;
        this.created = clock.instant().getEpochSecond();
    }

    @Override
    protected ChatChunk advance(boolean block) {
        while (pending.isEmpty() && !finished) {
            int found = readInPlace(block);
            if (found == SseReader.PENDING_IN_PLACE) {
                return PENDING;
            }
            if (found == SseReader.ENDED) {
                finished = true;
                end();
            } else {
                translate(parseEventObject());
            }
        }
        return pending.poll();
    }

    /** The body ended: complete if every candidate finished, then the usage chunk. */
    private void end() {
        boolean complete = !candidates.isEmpty() && candidates.values().stream().allMatch(c -> c.done);
        if (!complete) {
            pending.clear();
            throw endedEarly();
        }
        if (usage != null) {
            pending.add(new ChatChunk(id(), created, model, List.of(), usage.toCanonical(), null));
        }
    }

    private void translate(JsonNode event) {
        if (event.path("error").isObject()) {
            finished = true;
            throw GeminiErrors.fromErrorObject(provider, event.get("error"));
        }
        if (GeminiErrors.isBlocked(event)) {
            finished = true;
            throw GeminiErrors.blocked(provider, event.get("promptFeedback"));
        }
        if (id == null && event.path("responseId").isTextual()) {
            id = event.get("responseId").asText();
        }
        model = event.path("modelVersion").asText(model);
        if (event.path("usageMetadata").isObject()) {
            usage = GeminiUsage.read(event.get("usageMetadata"));
        }
        int position = 0;
        for (JsonNode candidate : event.path("candidates")) {
            int index = candidate.path("index").asInt(position++);
            CandidateState state = candidates.get(index);
            if (state == null) {
                state = new CandidateState();
                candidates.put(index, state);
                pending.add(chunk(index, ROLE, null));
            }
            StringBuilder text = new StringBuilder();
            for (JsonNode part : GeminiChat.answerParts(candidate)) {
                if (part.path(GeminiWire.TEXT).isTextual()) {
                    text.append(part.get(GeminiWire.TEXT).asText());
                } else if (part.path(GeminiWire.FUNCTION_CALL).isObject()) {
                    flushText(index, text);
                    ToolCall call = GeminiChat.toolCall(part.get(GeminiWire.FUNCTION_CALL), ids);
                    pending.add(chunk(index, new Delta(null, null,
                            List.of(new ToolCallDelta(state.toolCalls++, call.id(), call.name(), call.arguments())), null),
                            null));
                }
            }
            flushText(index, text);
            String finish = GeminiWire.finishReason(GeminiChat.textOrNull(candidate.get("finishReason")),
                    state.toolCalls > 0);
            if (finish != null && !state.done) {
                state.done = true;
                pending.add(chunk(index, EMPTY, finish));
            }
        }
    }

    private void flushText(int index, StringBuilder text) {
        if (!text.isEmpty()) {
            pending.add(chunk(index, Delta.text(text.toString()), null));
            text.setLength(0);
        }
    }

    private ChatChunk chunk(int index, Delta delta, String finishReason) {
        return new ChatChunk(id(), created, model, List.of(new ChunkChoice(index, delta, finishReason)), null, null);
    }

    /** Gemini's responseId when it sends one (the same in every event), else one made up once. */
    private String id() {
        if (id == null) {
            id = ids.next("chatcmpl-");
        }
        return id;
    }

    @Override
    protected UpstreamException malformed(String what, Exception cause) {
        pending.clear();
        return super.malformed(what, cause);
    }

    @Override
    public void close() {
        pending.clear();
        super.close();
    }
}
