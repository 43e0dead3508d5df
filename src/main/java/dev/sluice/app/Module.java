package dev.sluice.app;

/**
 * A feature of the gateway, in one place: it is built from its config section (its constructor
 * takes the parsed section and the modules it needs), then {@linkplain #contribute contributes}
 * its pipeline stages (each in its {@link Slot}), completion listeners, routes and readiness
 * checks, and {@linkplain #close closes} what it opened. {@link Gateway} creates modules in order
 * and closes them in reverse, also when a later one fails to start.
 */
public interface Module extends AutoCloseable {
    /** The module's name: the config section it reads, when it has one. */
    String name();

    /** Adds what this module brings to the running gateway; called once, after every module exists. */
    default void contribute(Contributions to) {}

    /** Releases what the module opened (threads, connections, files); never throws. */
    @Override
    default void close() {}
}
