package dev.sluice.server;

import dev.sluice.api.SluiceException;
import dev.sluice.observe.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code GET /metrics}: Prometheus text on the gateway's own port, behind the {@link Access} the
 * config chose; 404 when there is no {@code metrics:} section.
 */
public final class MetricsEndpoint implements Endpoints {
    private final Metrics metrics;
    private final Access access;
    private final Guard<Boolean> scraper = new Guard<>("metrics token", this::checkToken);

    /**
     * Who may scrape: anyone ({@code open}), holders of the token, or no one ({@code closed}, with the
     * message that says how to open it).
     */
    public record Access(byte[] token, String refusal) {
        public static Access open() {
            return new Access(null, null);
        }

        public static Access token(String bearerToken) {
            return new Access(bearerToken.getBytes(StandardCharsets.UTF_8), null);
        }

        public static Access closed(String refusal) {
            return new Access(null, refusal);
        }
    }

    /** @param metrics null when metrics are off */
    public MetricsEndpoint(Metrics metrics, Access access) {
        this.metrics = metrics;
        this.access = access;
    }

    @Override
    public void register(Routes routes) {
        routes.guardedBy(scraper).get("/metrics", this::scrape);
    }

    private void scrape(HttpCall call) {
        if (metrics == null) {
            call.sendError(SluiceException.notFound("Metrics are off. Add a metrics: section to the config"
                    + " (e.g. metrics: {}) to serve /metrics."));
            return;
        }
        call.context().principal(scraper);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            metrics.scrape(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        call.send(200, metrics.contentType(), out.toByteArray());
    }

    private Boolean checkToken(String given) {
        if (access.refusal() != null && metrics != null) {
            throw SluiceException.unauthenticated("invalid_metrics_token", access.refusal());
        }
        byte[] token = access.token();
        if (token != null && (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8)))) {
            throw SluiceException.unauthenticated("invalid_metrics_token",
                    "GET /metrics needs 'Authorization: Bearer <metrics.bearer_token>'.");
        }
        return Boolean.TRUE;
    }
}
