package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.TokenCounter;
import java.util.Arrays;

/**
 * {@code POST /v1/messages}: Anthropic Messages, whole or streamed. {@code x-api-key} and
 * {@code anthropic-version} are recorded like every header but not required, so a gateway test
 * can assert what was sent without the simulator rejecting anything.
 */
final class AnthropicMessagesHandler extends SimEndpoint {

    AnthropicMessagesHandler(SimContext sim, Dialect dialect) {
        super(sim, dialect);
    }

    @Override
    protected void serve(Received received, HttpCall res) {
        ChatRequest request = AnthropicRequestReader.read(received.jsonOrFail()).chat();
        sim.models().seen(request.model());
        Faults faults = received.faults();
        int inputTokens = TokenCounter.countPrompt(request);
        if (inputTokens > faults.contextWindow()) {
            throw dialect.contextTooLong(inputTokens, faults.contextWindow());
        }
        SimReply reply = ReplyPlanner.plan(request, 0, faults.tokens(), sim.options().seed(),
                ReplyPlanner.CallIds.ANTHROPIC, faults.answer());
        AnthropicJson.Answer answer = new AnthropicJson.Answer(sim.ids().next("msg_01", 22),
                faults.answeringModel(request.model()), reply, inputTokens);
        if (request.stream()) {
            AnthropicStream.send(res, answer, faults);
            return;
        }
        Pacing.sleep(faults.generationTime(reply.outputTokens()));
        if (faults.resetAfter() != null) {
            throw new ConnectionReset("simulated connection reset before the response");
        }
        byte[] body = AnthropicJson.message(answer);
        if (faults.malformed()) {
            body = Arrays.copyOf(body, body.length / 2);
        }
        res.send(200, "application/json", body);
    }
}
