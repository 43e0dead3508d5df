package dev.sluice.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.alert.AlertEvaluator;
import dev.sluice.alert.AlertHistory;
import dev.sluice.analytics.TimeParam;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.config.AlertRule;
import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /admin/alerts}: the alert rules with where each stands (firing or not, the value and samples
 * of its last evaluation), and the alerts sent (by the cluster when the history is shared), newest first (rule firings and resolutions,
 * budget thresholds, model changes, rollout rollbacks). Any admin key may read; a team-limited key sees
 * only the rules and alerts of its own team.
 */
public final class AlertsAdmin implements Endpoints {
    private static final Set<String> STATUSES = Set.of("firing", "resolved", "notice");

    private final AdminGuard guard;
    private final AlertHistory history;
    private final java.util.function.Supplier<AlertEvaluator> rules;

    /** @param rules the current rule evaluator (a config reload may replace it), or null when no rules are configured */
    public AlertsAdmin(AdminGuard guard, AlertHistory history, java.util.function.Supplier<AlertEvaluator> rules) {
        this.guard = guard;
        this.history = history;
        this.rules = rules;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes).get("/admin/alerts", this::alerts);
    }

    private void alerts(AdminGuard.Call call) {
        String team = call.who.visibleTeam();
        String asked = call.query("team");
        if (asked != null && !asked.isBlank()) {
            call.who.requireRead(asked, "alerts");
            team = asked;
        }
        String status = call.query("status");
        if (status != null && !STATUSES.contains(status)) {
            throw SluiceException.invalidRequest("status", "'" + status + "' is not an alert status: use firing, resolved"
                    + " or notice (budgets, model changes, rollbacks).");
        }
        Long since = TimeParam.parse("since", call.query("since"), call.now());
        List<AlertHistory.Entry> recent = history.recent(team, status, since == null ? 0 : since, call.limit());
        AlertEvaluator current = rules.get();
        List<AlertEvaluator.RuleStatus> states = current == null ? List.of() : current.status();
        String visible = team;
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "alerts");
            gen.writeStringField("scope", history.scope());
            gen.writeNumberField("history_capacity", history.capacity());
            gen.writeNumberField("history_total", history.total());
            gen.writeArrayFieldStart("rules");
            for (AlertEvaluator.RuleStatus s : states) {
                if (visible == null || visible.equals(s.rule().team())) {
                    rule(gen, s);
                }
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("data");
            for (AlertHistory.Entry e : recent) {
                entry(gen, e);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }));
    }

    private static void rule(JsonGenerator gen, AlertEvaluator.RuleStatus s) throws IOException {
        AlertRule r = s.rule();
        gen.writeStartObject();
        gen.writeStringField("object", "alert_rule");
        gen.writeStringField("name", r.name());
        gen.writeStringField("metric", r.metric());
        if (r.drift() != null) {
            gen.writeStringField("figure", r.drift().figure());
            gen.writeStringField("baseline", AlertEvaluator.window(r.drift().baseline()));
        }
        gen.writeStringField("model", r.model());
        gen.writeStringField("team", r.team());
        gen.writeStringField("window", AlertEvaluator.window(r.window()));
        gen.writeNumberField("threshold", r.threshold());
        gen.writeStringField("threshold_text", r.thresholdText());
        gen.writeNumberField("min_samples", r.minSamples());
        gen.writeStringField("priority", r.priority());
        gen.writeStringField("cooldown", AlertEvaluator.window(r.cooldown()));
        gen.writeStringField("state", s.firing() ? "firing" : "ok");
        if (s.lastEvaluated() == null) {
            gen.writeNullField("last_evaluated_at");
            gen.writeNullField("value");
            gen.writeNullField("samples");
        } else {
            gen.writeStringField("last_evaluated_at", Instant.ofEpochMilli(s.lastEvaluated()).toString());
            gen.writeNumberField("value", s.value());
            gen.writeNumberField("samples", s.samples());
        }
        if (s.lastFired() == null) {
            gen.writeNullField("last_fired_at");
        } else {
            gen.writeStringField("last_fired_at", Instant.ofEpochMilli(s.lastFired()).toString());
        }
        gen.writeEndObject();
    }

    private static void entry(JsonGenerator gen, AlertHistory.Entry e) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("object", "alert");
        gen.writeNumberField("id", e.id());
        gen.writeNumberField("ts", e.ts());
        gen.writeStringField("time", Instant.ofEpochMilli(e.ts()).toString());
        gen.writeStringField("status", e.status());
        gen.writeStringField("priority", e.priority());
        gen.writeStringField("title", e.title());
        gen.writeStringField("message", e.message());
        gen.writeFieldName("details");
        Json.MAPPER.writeValue(gen, details(e.details()));
        gen.writeEndObject();
    }

    /** Details as sent to the webhook, with a figure that is not a number (NaN, infinite) as null: JSON has none. */
    private static Object details(Object value) {
        if (value instanceof Double d && !Double.isFinite(d)) {
            return null;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), details(v)));
            return out;
        }
        return value;
    }
}
