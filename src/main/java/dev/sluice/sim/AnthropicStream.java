package dev.sluice.sim;

import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a message the way Anthropic does: message_start, then per content block
 * content_block_start (a ping after the first), deltas ({@code text_delta} per piece or
 * {@code input_json_delta} fragments of a tool's input) and content_block_stop; then
 * message_delta with the stop reason and output tokens, then message_stop.
 */
final class AnthropicStream {
    private static final String DELTA = "content_block_delta";

    private AnthropicStream() {}

    static void send(ServerResponse res, AnthropicWire.Answer answer, Faults faults) {
        SseWriter.send(res, "text/event-stream; charset=utf-8", events(answer), faults);
    }

    static List<SseWriter.Event> events(AnthropicWire.Answer answer) {
        List<SseWriter.Event> events = new ArrayList<>();
        events.add(control("message_start", AnthropicWire.messageStart(answer)));
        switch (answer.reply()) {
            case Reply.Text text -> {
                events.add(control("content_block_start", AnthropicWire.textBlockStart(0)));
                events.add(control("ping", AnthropicWire.simple("ping")));
                for (String piece : text.pieces()) {
                    events.add(content(AnthropicWire.delta(0, "text_delta", "text", piece)));
                }
                events.add(closing("content_block_stop", AnthropicWire.blockStop(0)));
            }
            case Reply.ToolCalls calls -> {
                for (int i = 0; i < calls.calls().size(); i++) {
                    Reply.Call call = calls.calls().get(i);
                    events.add(control("content_block_start", AnthropicWire.toolUseBlockStart(i, call)));
                    if (i == 0) {
                        events.add(control("ping", AnthropicWire.simple("ping")));
                    }
                    for (String fragment : Pieces.fragments(call.arguments())) {
                        events.add(content(AnthropicWire.delta(i, "input_json_delta", "partial_json", fragment)));
                    }
                    events.add(closing("content_block_stop", AnthropicWire.blockStop(i)));
                }
            }
        }
        events.add(closing("message_delta", AnthropicWire.messageDelta(answer.reply())));
        events.add(closing("message_stop", AnthropicWire.simple("message_stop")));
        return events;
    }

    private static SseWriter.Event control(String name, byte[] data) {
        return new SseWriter.Event(name, data, SseWriter.Kind.CONTROL);
    }

    private static SseWriter.Event content(byte[] data) {
        return new SseWriter.Event(DELTA, data, SseWriter.Kind.CONTENT);
    }

    private static SseWriter.Event closing(String name, byte[] data) {
        return new SseWriter.Event(name, data, SseWriter.Kind.CLOSING);
    }
}
