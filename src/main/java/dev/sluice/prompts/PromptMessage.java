package dev.sluice.prompts;

/**
 * One chat message of a prompt version.
 *
 * @param role    system, developer, user or assistant
 * @param content a Jinja template rendered with the request's variables
 */
public record PromptMessage(String role, String content) {}
