package dev.sluice.server;

import dev.sluice.api.SluiceException;
import dev.sluice.auth.AuthStage;
import dev.sluice.observe.Metrics;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code GET /metrics}: Prometheus text on the gateway's own port. Open like {@code /health}
 * unless {@code metrics.bearer_token} is set; 404 when there is no {@code metrics:} section.
 */
final class MetricsEndpoint {
    private final Metrics metrics;
    private final byte[] token;

    /** @param metrics null when metrics are off */
    MetricsEndpoint(Metrics metrics, String bearerToken) {
        this.metrics = metrics;
        this.token = bearerToken == null ? null : bearerToken.getBytes(StandardCharsets.UTF_8);
    }

    void scrape(ServerRequest req, ServerResponse res) {
        if (metrics == null) {
            HttpIo.sendError(res, SluiceException.notFound("Metrics are off. Add a metrics: section to the config"
                    + " (e.g. metrics: {}) to serve /metrics."));
            return;
        }
        if (token != null) {
            String given = AuthStage.bearer(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
            if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
                HttpIo.sendError(res, SluiceException.unauthenticated("invalid_metrics_token",
                        "GET /metrics needs 'Authorization: Bearer <metrics.bearer_token>'."));
                return;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            metrics.scrape(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, metrics.contentType());
        res.send(out.toByteArray());
    }
}
