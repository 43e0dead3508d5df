package dev.sluice.eval.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.eval.score.Answer;

/**
 * Sends one chat completion request (OpenAI's format, model and parameters set) and returns the
 * answer; a failed call is an {@link Answer#failed} answer, not an exception, unless the gateway
 * cannot be reached at all ({@link GatewayUnreachable}). Implemented over HTTP by
 * {@link GatewayClient}, and wrapped by the recorder and the replayer.
 */
@FunctionalInterface
public interface ModelCaller {
    Answer call(ObjectNode request, String requestId);
}
