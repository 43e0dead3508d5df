package dev.sluice.pipeline;

/**
 * One step of the request pipeline (auth, limits, guards, cache, routing...). Modelled on
 * OkHttp's interceptors.
 *
 * <p>Contract:
 * <ul>
 *   <li>A stage may short-circuit by <em>returning</em> a reply without calling
 *       {@link Chain#proceed}: a {@link Reply.Failure} for 401/429/guardrail blocks, or a cached
 *       response. Expected failures are returned, not thrown.</li>
 *   <li>A stage may call {@code proceed} more than once (e.g. to re-ask after a failed schema
 *       check); each call runs the rest of the pipeline again.</li>
 *   <li>Work before {@code proceed} runs in pipeline order, work after it in reverse order, so
 *       every stage that entered sees the exit. A stage that needs to see the end of a stream
 *       wraps the returned {@link Reply.Stream}'s chunks.</li>
 *   <li>A thrown exception is a bug or an infrastructure fault: it unwinds through the stages
 *       (use finally for cleanup) and becomes a 500 at the top.</li>
 * </ul>
 *
 * <pre>{@code
 * Stage auth = (ex, next) -> ex.header("authorization") == null
 *         ? Reply.fail(SluiceException.unauthenticated("missing_api_key", "..."))
 *         : next.proceed(ex);
 * }</pre>
 */
@FunctionalInterface
public interface Stage {
    Reply handle(Exchange exchange, Chain next);

    /** The name used in logs, traces and broken-contract messages. */
    default String name() {
        return getClass().getSimpleName();
    }
}
