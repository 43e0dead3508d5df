package dev.sluice.server;

import dev.sluice.api.SluiceException;
import dev.sluice.observe.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code GET /metrics}: Prometheus text on the gateway's own port. Open like {@code /health}
 * unless {@code metrics.bearer_token} is set; 404 when there is no {@code metrics:} section.
 */
public final class MetricsEndpoint implements Endpoints {
    private final Metrics metrics;
    private final byte[] token;
    private final Guard<Boolean> scraper = new Guard<>("metrics token", this::checkToken);

    /** @param metrics null when metrics are off */
    public MetricsEndpoint(Metrics metrics, String bearerToken) {
        this.metrics = metrics;
        this.token = bearerToken == null ? null : bearerToken.getBytes(StandardCharsets.UTF_8);
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

    /** Open unless a token is configured, then the bearer token must be it. */
    private Boolean checkToken(String given) {
        if (token != null && (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8)))) {
            throw SluiceException.unauthenticated("invalid_metrics_token",
                    "GET /metrics needs 'Authorization: Bearer <metrics.bearer_token>'.");
        }
        return Boolean.TRUE;
    }
}
