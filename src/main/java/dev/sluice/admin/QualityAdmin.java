package dev.sluice.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.alert.DriftSource;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import dev.sluice.store.ModelChangeRepository;
import dev.sluice.store.ModelChangeRepository.Change;
import dev.sluice.store.ModelChangeRepository.Figures;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code GET /admin/quality/model-changes}: the model changes the gateways noticed behind
 * deployments, newest first, each with the deployment's figures over a window before and after
 * (requests, error rate, mean latency and output tokens, feedback). Organisation-wide: deployments
 * serve every team, so a team-limited key is refused.
 */
public final class QualityAdmin implements Endpoints {
    private static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    private static final Duration MAX_WINDOW = Duration.ofDays(30);

    private final AdminGuard guard;
    private final ModelChangeRepository changes;
    private final DriftSource drift;
    private final java.util.function.Supplier<java.util.Map<String, Object>> evaluators;

    /**
     * @param drift      the drift figures, or null when drift is off
     * @param evaluators the online evaluators' counters, or null when none are configured
     */
    public QualityAdmin(AdminGuard guard, ModelChangeRepository changes, DriftSource drift,
                        java.util.function.Supplier<java.util.Map<String, Object>> evaluators) {
        this.guard = guard;
        this.changes = changes;
        this.drift = drift;
        this.evaluators = evaluators;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .get("/admin/quality/model-changes", this::modelChanges)
                .get("/admin/quality/drift", this::drift)
                .get("/admin/quality/evaluators", this::evaluators);
    }

    /** {@code GET /admin/quality/evaluators}: each online evaluator's sampling, scoring and judge spend on this node. */
    private void evaluators(AdminGuard.Call call) {
        call.who.requireRead(null, "online evaluators");
        java.util.Map<String, Object> stats = evaluators == null ? java.util.Map.of() : evaluators.get();
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "quality.evaluators");
            gen.writeFieldName("evaluators");
            Json.MAPPER.writeValue(gen, stats);
            gen.writeEndObject();
        }));
    }

    /**
     * {@code GET /admin/quality/drift?model=&window=1h&baseline=24h}: every drift figure of the
     * model's (or all) sampled traffic in the recent window against the baseline window before it.
     */
    private void drift(AdminGuard.Call call) {
        call.who.requireRead(null, "drift figures (models serve every team)");
        if (drift == null) {
            throw new SluiceException(404, "invalid_request_error", "drift_off", null, "Drift monitoring is off; turn it"
                    + " on with quality.drift.enabled: true or an alert rule with metric: drift.");
        }
        Duration window = duration(call.query("window"), Duration.ofHours(1), "window");
        Duration baseline = duration(call.query("baseline"), Duration.ofHours(24), "baseline");
        String model = call.query("model");
        DriftSource.Reading r = drift.read("centroid_distance", model == null || model.isBlank() ? null : model, window,
                baseline, call.now());
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "quality.drift");
            if (model == null || model.isBlank()) {
                gen.writeNullField("model");
            } else {
                gen.writeStringField("model", model);
            }
            gen.writeStringField("window", window.toString());
            gen.writeStringField("baseline", baseline.toString());
            gen.writeObjectFieldStart("figures");
            for (var e : r.figures().entrySet()) {
                if (e.getValue() instanceof Double d) {
                    gen.writeNumberField(e.getKey(), d);
                } else if (e.getValue() instanceof Long l) {
                    gen.writeNumberField(e.getKey(), l);
                }
            }
            gen.writeEndObject();
            gen.writeEndObject();
        }));
    }

    private void modelChanges(AdminGuard.Call call) {
        call.who.requireRead(null, "model changes (deployments serve every team)");
        Duration window = window(call.query("window"));
        long since = call.query("since_hours") == null ? 0 : call.now() - Duration.ofHours(hours(call.query("since_hours"))).toMillis();
        List<Change> list = changes.list(since, call.limit());
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "list");
            gen.writeStringField("window", window.toString());
            gen.writeArrayFieldStart("data");
            for (Change c : list) {
                gen.writeStartObject();
                gen.writeStringField("object", "model_change");
                gen.writeNumberField("id", c.id());
                gen.writeNumberField("ts", c.ts());
                gen.writeStringField("deployment", c.deployment());
                gen.writeStringField("provider", c.provider());
                gen.writeStringField("upstream_model", c.upstreamModel());
                gen.writeStringField("from_model", c.from().model());
                gen.writeStringField("from_fingerprint", c.from().fingerprint());
                gen.writeStringField("to_model", c.to().model());
                gen.writeStringField("to_fingerprint", c.to().fingerprint());
                figures(gen, "before", changes.figures(c.provider(), c.upstreamModel(), c.ts() - window.toMillis(), c.ts()));
                figures(gen, "after", changes.figures(c.provider(), c.upstreamModel(), c.ts(), c.ts() + window.toMillis()));
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }));
    }

    private static void figures(JsonGenerator gen, String name, Figures f) throws IOException {
        gen.writeObjectFieldStart(name);
        gen.writeNumberField("requests", f.requests());
        gen.writeNumberField("error_rate", f.errorRate());
        number(gen, "mean_latency_ms", f.meanLatencyMs());
        number(gen, "mean_output_tokens", f.meanOutputTokens());
        gen.writeNumberField("feedback_count", f.feedbackCount());
        number(gen, "mean_feedback", f.meanFeedback());
        gen.writeEndObject();
    }

    private static void number(JsonGenerator gen, String name, Double value) throws IOException {
        if (value == null) {
            gen.writeNullField(name);
        } else {
            gen.writeNumberField(name, value);
        }
    }

    private static Duration window(String text) {
        return duration(text, DEFAULT_WINDOW, "window");
    }

    private static Duration duration(String text, Duration fallback, String param) {
        if (text == null) {
            return fallback;
        }
        try {
            Duration d = Duration.parse("PT" + text.strip().toUpperCase(java.util.Locale.ROOT));
            if (!d.isNegative() && !d.isZero() && d.compareTo(MAX_WINDOW) <= 0) {
                return d;
            }
        } catch (DateTimeParseException ignored) {
            // reported below
        }
        throw SluiceException.invalidType(param, "a duration such as 30m, 6h or 720h (at most 30 days)");
    }

    private static long hours(String text) {
        try {
            long h = Long.parseLong(text.strip());
            if (h >= 1 && h <= 24 * 400) {
                return h;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw SluiceException.invalidType("since_hours", "an integer from 1 to 9600");
    }
}
