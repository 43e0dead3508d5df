package dev.sluice.alert;

import dev.sluice.api.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to the log and, when configured, to a webhook as Slack-compatible JSON
 * ({@code {"text": ...}} plus structured fields), and keeps the recent ones in an {@link AlertHistory}. Delivery runs on its own virtual thread with a
 * few retries, so no request ever waits for a webhook.
 */
public final class AlertSink implements AlertChannel {
    private static final Logger LOG = LoggerFactory.getLogger(AlertSink.class);
    private static final int ATTEMPTS = 3;

    private volatile String webhook;
    private HttpClient http;
    private final AlertHistory history;

    /** @param webhook URL to POST alerts to, or null for the log only */
    public AlertSink(String webhook) {
        this(webhook, new AlertHistory(AlertHistory.DEFAULT_CAPACITY, java.time.Clock.systemUTC()));
    }

    /**
     * @param webhook URL to POST alerts to, or null for the log only
     * @param history where every alert sent is kept (in memory, bounded) for {@code GET /admin/alerts}
     */
    public AlertSink(String webhook, AlertHistory history) {
        this.webhook = webhook;
        this.history = history;
    }

    /** The webhook's client, made on first use (a sink without a webhook starts no client threads). */
    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
        }
        return http;
    }

    /** Sends later alerts to another webhook (or, with null, to the log only): a config reload changed it. */
    public void webhook(String url) {
        this.webhook = url;
    }

    /** The alerts sent (this node's, or the cluster's when shared), newest last. */
    public AlertHistory history() {
        return history;
    }

    @Override
    public void send(Alert alert) {
        history.add(alert);
        LOG.warn("ALERT {} {}: {}", alert.priority(), alert.title(), alert.message());
        String webhook = this.webhook;
        if (webhook == null) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("text", "[" + alert.priority() + "] " + alert.title() + "\n" + alert.message());
        fields.put("priority", alert.priority());
        fields.put("title", alert.title());
        fields.put("message", alert.message());
        alert.details().forEach(fields::putIfAbsent);
        byte[] body = Json.bytes(fields);
        Thread.ofVirtual().name("sluice-alert").start(() -> deliver(webhook, body, alert.title()));
    }

    private void deliver(String webhook, byte[] body, String title) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<Void> r = http().send(HttpRequest.newBuilder(URI.create(webhook))
                        .header("content-type", "application/json").timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    return;
                }
                LOG.warn("alert webhook answered HTTP {} for '{}' (attempt {}/{})", r.statusCode(), title, attempt, ATTEMPTS);
            } catch (Exception e) {
                LOG.warn("alert webhook failed for '{}' (attempt {}/{}): {}", title, attempt, ATTEMPTS, e.getMessage());
            }
            try {
                Thread.sleep(500L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.error("alert '{}' could not be delivered to the webhook after {} attempts", title, ATTEMPTS);
    }
}
