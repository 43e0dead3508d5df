package dev.sluice.quality;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.ObservedChunkStream;
import dev.sluice.api.StreamAssembler;
import dev.sluice.pipeline.Chain;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * A stage right after auth that hands the answer the client got to the {@link AnswerConsumer}s that
 * sampled the request (deciding when the reply is back from the rest of the pipeline), once the response is complete: a whole answer as it is, a stream assembled
 * as its chunks pass (unchanged, with no delay). Requests nobody sampled pass untouched.
 */
public final class AnswerTap implements Stage {
    private final List<AnswerConsumer> consumers;

    public AnswerTap(List<AnswerConsumer> consumers) {
        this.consumers = List.copyOf(consumers);
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        if (ex.operation() != Exchange.Operation.CHAT) {
            return next.proceed(ex);
        }
        Reply reply = next.proceed(ex);
        if (reply instanceof Reply.Failure) {
            return reply;
        }
        // decided once the rest of the pipeline has run: a stored prompt is rendered and the model is known,
        // and a stream has not sent its first chunk yet
        List<AnswerConsumer> chosen = new ArrayList<>(consumers.size());
        for (AnswerConsumer c : consumers) {
            if (c.sample(ex)) {
                chosen.add(c);
            }
        }
        if (chosen.isEmpty()) {
            return reply;
        }
        return switch (reply) {
            case Reply.Chat c -> {
                ex.onComplete(done -> deliver(chosen, done, c.response()));
                yield reply;
            }
            case Reply.Stream s -> {
                StreamAssembler assembler = new StreamAssembler();
                ex.onComplete(done -> deliver(chosen, done, assembler.soFar()));
                yield new Reply.Stream(new Tapped(s.chunks(), assembler));
            }
            default -> reply;
        };
    }

    private static void deliver(List<AnswerConsumer> chosen, Exchange ex, ChatResponse answer) {
        if (answer == null || ex.status() != 200) {
            return;
        }
        for (AnswerConsumer c : chosen) {
            c.answered(ex, answer);
        }
    }

    /** Passes chunks through unchanged while assembling the answer. */
    private static final class Tapped extends ObservedChunkStream {
        private final StreamAssembler assembler;

        Tapped(ChunkStream source, StreamAssembler assembler) {
            super(source);
            this.assembler = assembler;
        }

        @Override
        protected void observe(ChatChunk chunk) {
            if (chunk != null) {
                assembler.add(chunk);
            }
        }
    }
}
