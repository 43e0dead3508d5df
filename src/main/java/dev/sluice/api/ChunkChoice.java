package dev.sluice.api;

/** One choice of a streamed chunk. */
public record ChunkChoice(int index, Delta delta, String finishReason) {}
