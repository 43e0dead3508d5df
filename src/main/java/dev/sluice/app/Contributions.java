package dev.sluice.app;

import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Stage;
import dev.sluice.server.Endpoints;
import java.util.function.BooleanSupplier;

/** What a {@link Module} adds to the gateway. */
public interface Contributions {
    /** A pipeline stage, in its slot. */
    void stage(Slot slot, Stage stage);

    /** Work for every completed API exchange (after the request log and the root span were written). */
    void listener(Exchange.CompletionListener listener);

    /** Endpoints, which register their own routes. */
    void endpoints(Endpoints endpoints);

    /** A readiness check: while it fails, {@code /health/ready} answers 503 with status {@code <name>_unavailable}. */
    void readiness(String name, BooleanSupplier healthy);
}
