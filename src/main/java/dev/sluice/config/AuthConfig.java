package dev.sluice.config;

/**
 * @param enabled  whether /v1/* requires a virtual key (turn off only for local development)
 * @param adminKey the secret for /admin/*; null disables the admin API
 */
public record AuthConfig(boolean enabled, String adminKey) {}
