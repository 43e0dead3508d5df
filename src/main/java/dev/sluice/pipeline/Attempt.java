package dev.sluice.pipeline;

/**
 * One call to an upstream deployment.
 *
 * @param errorClass null on success, else the classified failure (rate_limited, server_error, ...)
 */
public record Attempt(String provider, String upstreamModel, long startEpochMillis, long durationMillis,
                      int status, String errorClass) {}
