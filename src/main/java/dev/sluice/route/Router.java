package dev.sluice.route;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.EmbeddingResponse;
import dev.sluice.api.SluiceException;
import dev.sluice.pipeline.Attempt;
import dev.sluice.pipeline.Chain;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;
import dev.sluice.provider.Call;
import dev.sluice.provider.UpstreamException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The terminal stage: maps the public model name to a deployment (weighted random among those
 * configured), calls its provider, and records the attempt, the route and the usage on the
 * exchange. Response headers {@code x-sluice-provider} and {@code x-sluice-model} name what served
 * the request.
 */
public final class Router implements Stage {
    private final Map<String, List<Deployment>> models;

    public Router(Map<String, List<Deployment>> models) {
        this.models = Map.copyOf(models);
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        String model = ex.requestedModel();
        List<Deployment> deployments = models.get(model);
        if (deployments == null) {
            return Reply.fail(SluiceException.modelNotFound(model));
        }
        Deployment d = pick(deployments);
        ex.route(d.provider().name(), d.upstreamModel());
        ex.responseHeader("x-sluice-provider", d.provider().name());
        ex.responseHeader("x-sluice-model", d.upstreamModel());
        Call call = new Call(d.upstreamModel(), ex.requestId(), d.forwarder().select(ex.headers()), d.timeout());
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        try {
            Reply reply = switch (ex.operation()) {
                case CHAT -> ex.chat().stream()
                        ? new Reply.Stream(new UsageRecordingStream(d.provider().stream(ex.chat(), call), ex))
                        : chat(ex, d, call);
                case EMBEDDINGS -> embeddings(ex, d, call);
            };
            ex.addAttempt(new Attempt(d.provider().name(), d.upstreamModel(), startMillis, elapsedMillis(startNanos), 200, null));
            return reply;
        } catch (UpstreamException e) {
            ex.addAttempt(new Attempt(d.provider().name(), d.upstreamModel(), startMillis, elapsedMillis(startNanos),
                    e.upstreamStatus(), e.errorClass().label()));
            return Reply.fail(e);
        }
    }

    private static Reply chat(Exchange ex, Deployment d, Call call) {
        ChatResponse response = d.provider().chat(ex.chat(), call);
        ex.usage(response.usage());
        return new Reply.Chat(response);
    }

    private static Reply embeddings(Exchange ex, Deployment d, Call call) {
        EmbeddingResponse response = d.provider().embed(ex.embeddings(), call);
        ex.usage(response.usage());
        return new Reply.Embeddings(response);
    }

    private static Deployment pick(List<Deployment> deployments) {
        if (deployments.size() == 1) {
            return deployments.getFirst();
        }
        int total = 0;
        for (Deployment d : deployments) {
            total += d.weight();
        }
        if (total <= 0) {
            return deployments.getFirst();
        }
        int r = ThreadLocalRandom.current().nextInt(total);
        for (Deployment d : deployments) {
            r -= d.weight();
            if (r < 0) {
                return d;
            }
        }
        return deployments.getLast();
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Copies the usage of the stream's final chunk onto the exchange as it passes. */
    private static final class UsageRecordingStream implements ChunkStream {
        private final ChunkStream delegate;
        private final Exchange ex;

        UsageRecordingStream(ChunkStream delegate, Exchange ex) {
            this.delegate = delegate;
            this.ex = ex;
        }

        @Override
        public ChatChunk next() {
            ChatChunk chunk = delegate.next();
            if (chunk != null && chunk.usage() != null) {
                ex.usage(chunk.usage());
            }
            return chunk;
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
