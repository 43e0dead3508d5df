package dev.sluice.pipeline;

import dev.sluice.api.SluiceException;
import dev.sluice.trace.Span;
import dev.sluice.trace.Tracer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stages, built once from config, and the terminal stage that talks to the upstream. Each
 * {@link #execute} walks an immutable chain holding the stage list and an index.
 */
public final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private final List<Stage> stages;
    /** The span name of each stage ({@code sluice.AuthStage}), made once, not per request. */
    private final String[] spanNames;
    private final Tracer tracer;
    private final Exchange.Pricing pricing;

    /** The last stage is terminal: it must answer and never call {@code proceed}. Costs are 0. */
    public Pipeline(List<Stage> stages) {
        this(stages, Tracer.disabled(), (model, usage) -> 0);
    }

    /**
     * @param tracer  makes a span for every stage, child of the request's span
     * @param pricing prices every exchange this pipeline runs, once, when it completes and before
     *                its completion listeners (request log, metrics, limits, alerts) read the cost
     */
    public Pipeline(List<Stage> stages, Tracer tracer, Exchange.Pricing pricing) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least a terminal stage");
        }
        this.stages = List.copyOf(stages);
        this.spanNames = this.stages.stream().map(s -> "sluice." + s.name()).toArray(String[]::new);
        this.tracer = tracer;
        this.pricing = pricing;
    }

    public List<Stage> stages() {
        return stages;
    }

    /** Runs the exchange through every stage. Never throws: failures come back as {@link Reply.Failure}. */
    public Reply execute(Exchange exchange) {
        exchange.pricing(pricing);
        try {
            return new IndexedChain(0).proceed(exchange);
        } catch (SluiceException e) {
            return new Reply.Failure(e);
        } catch (RuntimeException e) {
            LOG.error("request {} failed inside the pipeline", exchange.requestId(), e);
            return new Reply.Failure(SluiceException.internal(
                    "Sluice hit an internal error handling this request (request id " + exchange.requestId()
                            + "); it has been logged.", e));
        }
    }

    private final class IndexedChain implements Chain {
        private final int index;

        IndexedChain(int index) {
            this.index = index;
        }

        @Override
        public Reply proceed(Exchange exchange) {
            if (index >= stages.size()) {
                throw new IllegalStateException("stage '" + stages.getLast().name()
                        + "' is the terminal stage but called proceed(); the terminal stage must answer itself");
            }
            Stage stage = stages.get(index);
            Span span = tracer.start(spanNames[index]);
            try (Tracer.Scope scope = span.makeCurrent()) {
                Reply reply = stage.handle(exchange, new IndexedChain(index + 1));
                if (reply == null) {
                    throw new IllegalStateException("stage '" + stage.name() + "' returned null; return a Reply");
                }
                if (reply instanceof Reply.Failure failure) {
                    span.set("error.type", failure.error().code() != null ? failure.error().code() : failure.error().type());
                }
                return reply;
            } catch (RuntimeException e) {
                span.recordException(e);
                span.error(null);
                throw e;
            } finally {
                span.end();
            }
        }
    }
}
