package dev.sluice.api;

/** A function call made by the assistant; {@code arguments} is a JSON string, as in OpenAI's format. */
public record ToolCall(String id, String name, String arguments) {}
