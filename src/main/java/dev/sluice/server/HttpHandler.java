package dev.sluice.server;

/**
 * Answers one request. A {@link dev.sluice.api.SluiceException} thrown before the response was
 * sent becomes its OpenAI-format error; anything else is logged and answered with a 500.
 */
@FunctionalInterface
public interface HttpHandler {
    void handle(HttpCall call);
}
