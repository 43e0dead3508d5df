package dev.sluice.pipeline;

/** The rest of the pipeline after the current stage. */
@FunctionalInterface
public interface Chain {
    Reply proceed(Exchange exchange);
}
