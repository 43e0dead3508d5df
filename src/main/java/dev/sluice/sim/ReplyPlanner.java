package dev.sluice.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.Json;
import dev.sluice.api.TokenCounter;
import dev.sluice.api.Tool;
import dev.sluice.api.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides what the simulated model says to a canonical request, whatever wire format it came in:
 * tool calls (see {@link ToolSelector}), else a JSON answer when {@code response_format} asks for
 * one, else prose (which first repeats the tool results when the conversation ends with some).
 * Then it applies the request's output cap and stop sequences. Deterministic: the same request,
 * seed and choice index always give the same reply.
 */
final class ReplyPlanner {
    private static final int MIN_AUTO_TOKENS = 16;
    private static final int AUTO_TOKENS_RANGE = 33; // 16..48
    private static final String JSON_OBJECT_OPEN = "{\"answer\":\"";
    private static final String JSON_OBJECT_CLOSE = "\"}";

    private ReplyPlanner() {}

    /** How tool call ids look in each wire format. */
    enum CallIds {
        OPENAI("call_", 24), ANTHROPIC("toolu_01", 22);

        private final String prefix;
        private final int length;

        CallIds(String prefix, int length) {
            this.prefix = prefix;
            this.length = length;
        }

        String id(long hash) {
            return prefix + Hashing.base62(hash, length);
        }
    }

    /**
     * @param tokens        answer length in tokens, or null to derive 16..48 from the prompt
     * @param simulatorSeed used unless the request carries its own {@code seed}
     */
    static SimReply plan(ChatRequest request, int choice, Integer tokens, long simulatorSeed, CallIds ids) {
        return plan(request, choice, tokens, simulatorSeed, ids, "normal");
    }

    /** A judge's low verdict, for quality tests of a judge ({@code answer: low_score}). */
    static final String LOW_SCORE = "{\"score\": 0.1, \"reason\": \"simulated low score\"}";

    /** The refusal the simulator gives when told to ({@code answer: refusal}). */
    static final String REFUSAL = "I'm sorry, but I can't help with that request.";

    /**
     * @param answer {@code normal}, or a bad answer for quality tests: {@code refusal} (a fixed refusal),
     *               {@code empty} (no text at all), {@code invalid_json} (JSON cut off half-way),
     *               {@code low_score} (a judge's verdict {@code {"score": 0.1, ...}})
     */
    static SimReply plan(ChatRequest request, int choice, Integer tokens, long simulatorSeed, CallIds ids,
                         String answer) {
        switch (answer) {
            case "refusal" -> {
                return finish(request, Pieces.words(REFUSAL));
            }
            case "empty" -> {
                return finish(request, List.of());
            }
            case "low_score" -> {
                return finish(request, Pieces.json(LOW_SCORE));
            }
            default -> { }
        }
        long promptHash = Hashing.prompt(request);
        long seed = request.seed() != null ? request.seed() : simulatorSeed;
        long choiceSeed = Hashing.add(Hashing.add(promptHash, seed), choice);
        int length = tokens != null ? tokens : MIN_AUTO_TOKENS + (int) Long.remainderUnsigned(promptHash, AUTO_TOKENS_RANGE);

        List<Tool> tools = ToolSelector.select(request);
        if (!tools.isEmpty()) {
            return toolCalls(request, tools, choiceSeed, ids);
        }
        List<String> pieces = switch (request.responseFormatType()) {
            case "json_schema" -> Pieces.json(Json.string(SchemaInstanceGenerator.instance(
                    request.responseFormat().path("json_schema").get("schema"), PromptFacts.of(lastUserText(request)))));
            case "json_object" -> jsonObject(choiceSeed, length);
            default -> prose(request, choiceSeed, length);
        };
        if (answer.equals("invalid_json")) {
            List<String> cut = new ArrayList<>(List.of("{\"answer\": \""));
            cut.addAll(pieces.subList(0, Math.max(1, pieces.size() / 2)));
            pieces = cut;
        }
        return finish(request, pieces);
    }

    private static SimReply toolCalls(ChatRequest request, List<Tool> tools, long seed, CallIds ids) {
        PromptFacts facts = PromptFacts.of(lastUserText(request));
        List<SimReply.Call> calls = new ArrayList<>(tools.size());
        int tokens = 0;
        for (int i = 0; i < tools.size(); i++) {
            Tool tool = tools.get(i);
            JsonNode input = SchemaInstanceGenerator.instance(tool.parameters(), facts);
            String arguments = Json.string(input);
            calls.add(new SimReply.Call(ids.id(Hashing.add(seed, i + 1)), tool.name(), input, arguments));
            tokens += TokenCounter.count(tool.name()) + TokenCounter.count(arguments);
        }
        return new SimReply.ToolCalls(calls, tokens);
    }

    private static List<String> jsonObject(long seed, int length) {
        List<String> pieces = new ArrayList<>(length + 2);
        pieces.add(JSON_OBJECT_OPEN);
        pieces.addAll(TextGenerator.pieces(seed, length, false));
        pieces.add(JSON_OBJECT_CLOSE);
        return pieces;
    }

    /** Prose of {@code length} tokens; after tool results it first says what they returned. */
    private static List<String> prose(ChatRequest request, long seed, int length) {
        String results = toolResults(request);
        if (results.isEmpty()) {
            return TextGenerator.pieces(seed, length, false);
        }
        List<String> pieces = new ArrayList<>(Pieces.words(results));
        pieces.addAll(TextGenerator.pieces(seed, Math.max(0, length - TokenCounter.count(results)), true));
        return pieces;
    }

    /** "The get_weather tool returned: {...}." for each tool result ending the conversation. */
    private static String toolResults(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        int first = messages.size();
        while (first > 0 && "tool".equals(messages.get(first - 1).role())) {
            first--;
        }
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages.subList(first, messages.size())) {
            String result = m.text().strip();
            sb.append(sb.isEmpty() ? "The " : " The ").append(toolName(messages, m.toolCallId()))
                    .append(" tool returned: ").append(result);
            if (result.isEmpty() || ".!?".indexOf(result.charAt(result.length() - 1)) < 0) {
                sb.append('.');
            }
        }
        return sb.toString();
    }

    private static String toolName(List<ChatMessage> messages, String callId) {
        for (ChatMessage m : messages) {
            for (ToolCall call : m.toolCalls()) {
                if (call.id() != null && call.id().equals(callId)) {
                    return call.name();
                }
            }
        }
        return "function";
    }

    /** Applies the output cap, then stop sequences (a stop inside the capped text came first). */
    private static SimReply finish(ChatRequest request, List<String> pieces) {
        String text = String.join("", pieces);
        int tokens = TokenCounter.count(text);
        SimReply.Finish finish = SimReply.Finish.END;
        Integer max = request.maxOutputTokens();
        if (max != null && tokens > max) {
            pieces = Pieces.truncate(pieces, max);
            text = String.join("", pieces);
            tokens = TokenCounter.count(text);
            finish = SimReply.Finish.LENGTH;
        }
        Pieces.StopHit stop = Pieces.firstStop(text, request.stop());
        if (stop != null) {
            pieces = Pieces.cutAt(pieces, stop.at());
            text = text.substring(0, stop.at());
            tokens = TokenCounter.count(text);
            return new SimReply.Text(pieces, text, tokens, SimReply.Finish.STOP_SEQUENCE, stop.stop());
        }
        return new SimReply.Text(pieces, text, tokens, finish, null);
    }

    static String lastUserText(ChatRequest request) {
        String last = request.lastUserText();
        return last != null ? last : "";
    }
}
