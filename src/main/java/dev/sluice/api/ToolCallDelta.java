package dev.sluice.api;

/**
 * A piece of a streamed tool call. The first delta for an index carries id and name; later
 * deltas append to {@code arguments}.
 */
public record ToolCallDelta(int index, String id, String name, String arguments) {}
