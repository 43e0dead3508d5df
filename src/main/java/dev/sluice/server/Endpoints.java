package dev.sluice.server;

/** A group of endpoints that registers its own routes (so the route table is the only list of paths). */
@FunctionalInterface
public interface Endpoints {
    void register(Routes routes);
}
