package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams an answer the way Gemini's {@code streamGenerateContent?alt=sse} does: data-only
 * events, each a partial {@code GenerateContentResponse} — one per text piece, one per (whole)
 * function call, then a last one per candidate with the finish reason and the full usage — and
 * no end marker: the body just ends. Candidates (n > 1) are interleaved.
 */
final class GeminiStream {
    private GeminiStream() {}

    static void send(HttpCall res, GeminiJson.Answer answer, Faults faults) {
        SseWriter.send(res, "text/event-stream", events(answer), faults);
    }

    static List<SseWriter.Event> events(GeminiJson.Answer answer) {
        List<List<SseWriter.Event>> perCandidate = new ArrayList<>();
        for (int i = 0; i < answer.replies().size(); i++) {
            List<SseWriter.Event> events = new ArrayList<>();
            switch (answer.replies().get(i)) {
                case SimReply.Text text -> {
                    for (String piece : text.pieces()) {
                        events.add(content(GeminiJson.textChunk(answer, i, piece)));
                    }
                }
                case SimReply.ToolCalls calls -> {
                    for (SimReply.Call call : calls.calls()) {
                        events.add(content(GeminiJson.functionCallChunk(answer, i, call)));
                    }
                }
            }
            events.add(new SseWriter.Event(null, GeminiJson.finishChunk(answer, i), SseWriter.Kind.CLOSING));
            perCandidate.add(events);
        }
        return SseWriter.interleave(perCandidate);
    }

    private static SseWriter.Event content(byte[] data) {
        return new SseWriter.Event(null, data, SseWriter.Kind.CONTENT);
    }
}
