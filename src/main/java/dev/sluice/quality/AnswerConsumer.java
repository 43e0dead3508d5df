package dev.sluice.quality;

import dev.sluice.api.ChatResponse;
import dev.sluice.pipeline.Exchange;

/**
 * Something that looks at whole answers after the client got them (drift, online evaluators). It
 * decides per request, before the answer exists, whether it wants it — so the {@link AnswerTap} keeps
 * (and for streams, assembles) only the answers someone will look at.
 */
public interface AnswerConsumer {
    /** Whether this request's answer should be handed over (sampling happens here). */
    boolean sample(Exchange ex);

    /** Called once the response is complete (after the last byte), with the answer the client got. */
    void answered(Exchange ex, ChatResponse answer);
}
