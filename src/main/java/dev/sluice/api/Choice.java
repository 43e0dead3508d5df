package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;

/** One choice of a non-streaming response. */
public record Choice(int index, ChatMessage message, String finishReason, JsonNode logprobs) {}
