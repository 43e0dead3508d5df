package dev.sluice.admin;

import dev.sluice.server.Endpoints;
import dev.sluice.server.Guard;
import dev.sluice.server.HttpCall;
import dev.sluice.server.Routes;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.observe.Feedback;
import dev.sluice.pipeline.Caller;
import dev.sluice.store.FeedbackReader;
import dev.sluice.store.FeedbackRecord;
import dev.sluice.store.FeedbackSummary;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code POST /v1/feedback} (virtual-key auth) and the admin views {@code GET /admin/feedback}
 * and {@code GET /admin/feedback/summary}; team-limited admin keys see their team's feedback only.
 */
public final class FeedbackEndpoints implements Endpoints {
    private static final Duration DEFAULT_RANGE = Duration.ofDays(7);

    private final Feedback feedback;
    private final FeedbackReader reader;
    private final FeedbackSummary summary;
    private final Guard<Caller> callers;
    private final boolean authEnabled;
    private final AdminGuard guard;
    private final long maxBodyBytes;

    /**
     * @param callers     resolves the virtual key of {@code POST /v1/feedback}
     * @param authEnabled whether feedback must come from the key that made the request
     */
    public FeedbackEndpoints(Feedback feedback, FeedbackReader reader, FeedbackSummary summary, Guard<Caller> callers,
                             boolean authEnabled, AdminGuard guard, long maxBodyBytes) {
        this.feedback = feedback;
        this.reader = reader;
        this.summary = summary;
        this.callers = callers;
        this.authEnabled = authEnabled;
        this.guard = guard;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.drained().guardedBy(callers).post("/v1/feedback", this::submit);
        guard.on(routes)
                .get("/admin/feedback", this::list)
                .get("/admin/feedback/summary", this::summary);
    }

    private void submit(HttpCall http) {
        Caller caller = http.context().principal(callers);
        FeedbackRecord f = feedback.submit(caller, authEnabled, Json.parse(http.body(maxBodyBytes)));
        http.sendJson(201, Json.write(gen -> write(gen, f)));
    }

    private void list(AdminGuard.Call call) {
        String team = visibleTeam(call, "feedback");
        List<FeedbackRecord> rows = reader.list(new FeedbackReader.Query(call.query("request_id"),
                call.query("trace_id"), call.query("name"), call.query("key_id"), team, call.query("user"),
                time(call, "from"), time(call, "to"), call.limit()));
        call.send(200, AdminJson.list(rows, FeedbackEndpoints::write));
    }

    private void summary(AdminGuard.Call call) {
        String team = visibleTeam(call, "feedback");
        String groupBy = call.query("group_by") == null ? "model" : call.query("group_by");
        if (!FeedbackSummary.GROUPS.containsKey(groupBy)) {
            throw SluiceException.invalidRequest("group_by", "Unknown group_by '" + groupBy
                    + "'; use model, key, team, user or name.");
        }
        Long toQuery = time(call, "to");
        long to = toQuery != null ? toQuery : call.now() + 1; // [from, to): include what arrived just now
        Long fromQuery = time(call, "from");
        long from = fromQuery != null ? fromQuery : to - DEFAULT_RANGE.toMillis();
        if (from >= to) {
            throw SluiceException.invalidRequest("from", "'from' must be before 'to'.");
        }
        List<FeedbackSummary.Row> rows = summary.summarize(groupBy, from, to, team);
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "feedback.summary");
            gen.writeStringField("group_by", groupBy);
            gen.writeStringField("from", Instant.ofEpochMilli(from).toString());
            gen.writeStringField("to", Instant.ofEpochMilli(to).toString());
            gen.writeArrayFieldStart("data");
            for (FeedbackSummary.Row r : rows) {
                gen.writeStartObject();
                gen.writeStringField("group", r.group());
                gen.writeStringField("name", r.name());
                gen.writeNumberField("count", r.count());
                gen.writeNumberField("positive", r.positive());
                gen.writeNumberField("negative", r.negative());
                nullable(gen, "positive_rate", r.positiveRate());
                nullable(gen, "negative_rate", r.negativeRate());
                gen.writeNumberField("scored", r.scored());
                nullable(gen, "mean", r.mean());
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }));
    }

    /** A team-limited admin key sees its own team only (asking for another team is 403). */
    private static String visibleTeam(AdminGuard.Call call, String what) {
        String team = call.query("team");
        if (call.who.team() != null) {
            call.who.requireRead(team == null ? call.who.team() : team, what);
            return call.who.team();
        }
        return team;
    }

    /** A time parameter as ISO-8601 ({@code 2026-12-05T08:00:00Z}) or epoch milliseconds. */
    private static Long time(AdminGuard.Call call, String name) {
        String text = call.query(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return text.chars().allMatch(Character::isDigit) ? Long.parseLong(text) : Instant.parse(text).toEpochMilli();
        } catch (NumberFormatException | DateTimeParseException e) {
            throw SluiceException.invalidRequest(name, "'" + name + "' must be an ISO-8601 instant"
                    + " (2026-12-05T08:00:00Z) or epoch milliseconds.");
        }
    }

    private static void nullable(JsonGenerator gen, String field, Double value) throws IOException {
        if (value == null) {
            gen.writeNullField(field);
        } else {
            gen.writeNumberField(field, value);
        }
    }

    static void write(JsonGenerator gen, FeedbackRecord f) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("id", f.id());
        gen.writeStringField("object", "feedback");
        gen.writeStringField("created", Instant.ofEpochMilli(f.ts()).toString());
        gen.writeStringField("request_id", f.requestId());
        gen.writeStringField("trace_id", f.traceId());
        gen.writeStringField("name", f.name());
        gen.writeStringField("kind", f.kind());
        Object value = Feedback.value(f);
        if (value instanceof Boolean b) {
            gen.writeBooleanField("value", b);
        } else if (value instanceof Double d) {
            gen.writeNumberField("value", d);
        } else {
            gen.writeStringField("value", (String) value);
        }
        gen.writeStringField("sentiment", f.sentiment());
        gen.writeStringField("comment", f.comment());
        gen.writeStringField("user", f.endUser());
        gen.writeStringField("model", f.model());
        gen.writeStringField("key_id", f.keyId());
        gen.writeStringField("team", f.team());
        gen.writeStringField("rated_by", f.ratedBy());
        gen.writeEndObject();
    }
}
