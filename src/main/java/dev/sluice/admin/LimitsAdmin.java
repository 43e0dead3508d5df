package dev.sluice.admin;

import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.auth.KeyService;
import dev.sluice.auth.TeamService;
import dev.sluice.limits.Headroom;
import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import dev.sluice.store.KeyRow;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /admin/limits?key=&team=&user=&model=} ({@code key} and {@code team} may repeat): the headroom under each limit and budget of a
 * key, a team, an end user and a model right now — used and left of requests and tokens per minute,
 * requests in flight, and USD per day and month — from the limiter's state (shared through Redis
 * when configured). Keys and teams are readable by their team's keys; end users and models (whose
 * limits span teams) by organisation-wide keys only.
 */
public final class LimitsAdmin implements Endpoints {
    /** Keys (and teams) one call may ask about ({@code ?key=a&key=b}: the dashboard's keys page asks for a page of them). */
    static final int MAX_KEYS = 200;
    private final AdminGuard guard;
    private final Headroom headroom;
    private final KeyService keys;
    private final TeamService teams;

    public LimitsAdmin(AdminGuard guard, Headroom headroom, KeyService keys, TeamService teams) {
        this.guard = guard;
        this.headroom = headroom;
        this.keys = keys;
        this.teams = teams;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes).get("/admin/limits", this::usage);
    }

    private void usage(AdminGuard.Call call) {
        List<String> keyIds = call.queryAll("key").stream().map(LimitsAdmin::blankToNull).filter(k -> k != null).distinct().toList();
        if (keyIds.size() > MAX_KEYS) {
            throw SluiceException.invalidRequest("key", "Ask for at most " + MAX_KEYS + " keys at once.");
        }
        List<String> teamIds = call.queryAll("team").stream().map(LimitsAdmin::blankToNull).filter(t -> t != null).distinct().toList();
        if (teamIds.size() > MAX_KEYS) {
            throw SluiceException.invalidRequest("team", "Ask for at most " + MAX_KEYS + " teams at once.");
        }
        String keyId = keyIds.isEmpty() ? null : keyIds.getFirst();
        String team = teamIds.isEmpty() ? null : teamIds.getFirst();
        String user = blankToNull(call.query("user"));
        String model = blankToNull(call.query("model"));
        if (keyId == null && team == null && user == null && model == null) {
            throw SluiceException.invalidRequest("key", "Name what to look at: ?key=KEY_ID, ?team=TEAM, ?user=END_USER"
                    + " and/or ?model=MODEL.");
        }
        List<Headroom.Usage> out = new ArrayList<>();
        for (String id : keyIds) {
            KeyRow key = keys.require(id);
            call.who.requireRead(key.team(), "the limits of key " + key.id());
            out.addAll(headroom.key(key.id(), key.quota()));
        }
        for (String t : teamIds) {
            call.who.requireRead(t, "the limits of team " + t);
            out.addAll(headroom.team(t, teams.quota(t)));
        }
        if (user != null) {
            call.who.requireRead(null, "the limits of end user " + user + " (end users span teams)");
            out.addAll(headroom.user(user));
        }
        if (model != null) {
            call.who.requireRead(null, "the limits of model " + model + " (models serve every team)");
            out.addAll(headroom.model(model));
        }
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "list");
            gen.writeArrayFieldStart("data");
            for (Headroom.Usage u : out) {
                gen.writeStartObject();
                gen.writeStringField("object", "limit.usage");
                gen.writeStringField("scope", u.scope());
                gen.writeStringField("subject", u.subject());
                gen.writeStringField("limit_type", u.kind());
                gen.writeNumberField("limit", u.limit());
                gen.writeNumberField("used", u.used());
                gen.writeNumberField("available", u.available());
                gen.writeNumberField("used_fraction", u.limit() > 0 ? Math.min(1, u.used() / u.limit()) : 1);
                gen.writeNumberField("resets_in_seconds", Math.ceilDiv(u.resetsInMillis(), 1000));
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
