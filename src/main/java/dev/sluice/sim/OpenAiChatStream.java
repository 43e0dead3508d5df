package dev.sluice.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.server.HttpCall;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.ChunkChoice;
import dev.sluice.api.Delta;
import dev.sluice.api.ToolCallDelta;
import dev.sluice.api.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams chat completion chunks the way OpenAI does: per choice a role chunk, one chunk per
 * piece (or a tool call header then its argument fragments), a finish chunk; choices interleaved;
 * then the usage chunk when asked for, then {@code data: [DONE]}.
 */
final class OpenAiChatStream {
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private OpenAiChatStream() {}

    /**
     * @param usage the usage chunk's usage, or null when the client did not ask for it
     * @param top   alternatives a token in each content chunk's log probabilities, or -1 for none
     */
    record Answer(String id, long created, String model, List<SimReply> replies, Usage usage, int top) {}

    static void send(HttpCall res, Answer answer, Faults faults) {
        SseWriter.send(res, "text/event-stream; charset=utf-8", events(answer), faults);
    }

    static List<SseWriter.Event> events(Answer answer) {
        List<List<SseWriter.Event>> perChoice = new ArrayList<>(answer.replies().size());
        for (int i = 0; i < answer.replies().size(); i++) {
            perChoice.add(choiceEvents(answer, i));
        }
        List<SseWriter.Event> events = SseWriter.interleave(perChoice);
        if (answer.usage() != null) {
            events.add(closing(new ChatChunk(answer.id(), answer.created(), answer.model(), List.of(), answer.usage(),
                    OpenAiChatHandler.FINGERPRINT)));
        }
        events.add(new SseWriter.Event(null, DONE, SseWriter.Kind.CLOSING));
        return events;
    }

    private static List<SseWriter.Event> choiceEvents(Answer answer, int index) {
        SimReply reply = answer.replies().get(index);
        List<SseWriter.Event> events = new ArrayList<>();
        switch (reply) {
            case SimReply.Text text -> {
                events.add(event(answer, index, new Delta("assistant", "", List.of(), null), null, SseWriter.Kind.CONTROL));
                for (String piece : text.pieces()) {
                    events.add(event(answer, index, Delta.text(piece), null, Logprobs.of(List.of(piece), answer.top()),
                            SseWriter.Kind.CONTENT));
                }
            }
            case SimReply.ToolCalls calls -> {
                for (int k = 0; k < calls.calls().size(); k++) {
                    SimReply.Call call = calls.calls().get(k);
                    ToolCallDelta header = new ToolCallDelta(k, call.id(), call.name(), "");
                    events.add(event(answer, index, new Delta(k == 0 ? "assistant" : null, null, List.of(header), null),
                            null, SseWriter.Kind.CONTROL));
                    for (String fragment : Pieces.fragments(call.arguments())) {
                        ToolCallDelta part = new ToolCallDelta(k, null, null, fragment);
                        events.add(event(answer, index, new Delta(null, null, List.of(part), null), null,
                                SseWriter.Kind.CONTENT));
                    }
                }
            }
        }
        events.add(event(answer, index, new Delta(null, null, List.of(), null),
                OpenAiChatHandler.finishReason(reply.finish()), SseWriter.Kind.CLOSING));
        return events;
    }

    private static SseWriter.Event event(Answer answer, int index, Delta delta, String finishReason, SseWriter.Kind kind) {
        return event(answer, index, delta, finishReason, null, kind);
    }

    private static SseWriter.Event event(Answer answer, int index, Delta delta, String finishReason, JsonNode logprobs,
                                         SseWriter.Kind kind) {
        ChatChunk chunk = new ChatChunk(answer.id(), answer.created(), answer.model(),
                List.of(new ChunkChoice(index, delta, finishReason, logprobs)), null, OpenAiChatHandler.FINGERPRINT);
        return new SseWriter.Event(null, ChatResponseCodec.writeChunk(chunk), kind);
    }

    private static SseWriter.Event closing(ChatChunk chunk) {
        return new SseWriter.Event(null, ChatResponseCodec.writeChunk(chunk), SseWriter.Kind.CLOSING);
    }
}
