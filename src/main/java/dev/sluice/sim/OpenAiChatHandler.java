package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChatResponseCodec;
import dev.sluice.api.Choice;
import dev.sluice.api.TokenCounter;
import dev.sluice.api.ToolCall;
import dev.sluice.api.Usage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: OpenAI chat completions, whole or streamed (and, through
 * {@link AzureHandler}, Azure OpenAI's deployment paths).
 */
final class OpenAiChatHandler extends SimEndpoint {
    static final String FINGERPRINT = "fp_sluice_sim";

    OpenAiChatHandler(SimContext sim, Dialect dialect) {
        super(sim, dialect);
    }

    @Override
    protected void serve(Received received, HttpCall res) {
        answer(ChatRequestCodec.read(received.jsonOrFail()), received.faults(), res);
    }

    /** Answers a parsed request; shared with the Azure paths, which differ only in how they get here. */
    void answer(ChatRequest request, Faults faults, HttpCall res) {
        sim.models().seen(request.model());
        int promptTokens = TokenCounter.countPrompt(request);
        if (promptTokens > faults.contextWindow()) {
            throw dialect.contextTooLong(promptTokens, faults.contextWindow());
        }
        int n = request.n() == null ? 1 : request.n();
        List<SimReply> replies = new ArrayList<>(n);
        int completionTokens = 0;
        int longest = 0;
        for (int i = 0; i < n; i++) {
            SimReply reply = ReplyPlanner.plan(request, i, faults.tokens(), sim.options().seed(), ReplyPlanner.CallIds.OPENAI,
                    faults.answer());
            replies.add(reply);
            completionTokens += reply.outputTokens();
            longest = Math.max(longest, reply.outputTokens());
        }
        Usage usage = Usage.of(promptTokens, completionTokens);
        String id = sim.ids().next("chatcmpl-", 24);
        long created = System.currentTimeMillis() / 1000;
        if (request.stream()) {
            OpenAiChatStream.send(res, new OpenAiChatStream.Answer(id, created, faults.answeringModel(request.model()), replies,
                    request.includeUsage() ? usage : null, Logprobs.requested(request)), faults);
            return;
        }
        Pacing.sleep(faults.generationTime(longest));
        if (faults.resetAfter() != null) {
            throw new ConnectionReset("simulated connection reset before the response");
        }
        byte[] body = ChatResponseCodec.writeResponse(new ChatResponse(id, created, faults.answeringModel(request.model()), choices(replies, Logprobs.requested(request)),
                usage, FINGERPRINT, null));
        if (faults.malformed()) {
            body = Arrays.copyOf(body, body.length / 2);
        }
        res.send(200, "application/json", body);
    }

    /** @param top alternatives a token in the log probabilities, or -1 for none ({@link Logprobs#requested}) */
    private static List<Choice> choices(List<SimReply> replies, int top) {
        List<Choice> choices = new ArrayList<>(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            SimReply reply = replies.get(i);
            ChatMessage message = switch (reply) {
                case SimReply.Text text -> new ChatMessage("assistant", TextNode.valueOf(text.text()), null, List.of(),
                        null, null);
                case SimReply.ToolCalls calls -> new ChatMessage("assistant", null, null, calls.calls().stream()
                        .map(c -> new ToolCall(c.id(), c.name(), c.arguments())).toList(), null, null);
            };
            choices.add(new Choice(i, message, finishReason(reply.finish()),
                    reply instanceof SimReply.Text text ? Logprobs.of(text.pieces(), top) : null));
        }
        return choices;
    }

    static String finishReason(SimReply.Finish finish) {
        return switch (finish) {
            case END, STOP_SEQUENCE -> "stop";
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_calls";
        };
    }
}
