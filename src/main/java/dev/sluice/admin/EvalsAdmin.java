package dev.sluice.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.eval.report.Comparison;
import dev.sluice.eval.store.EvalRuns;
import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import java.util.List;

/**
 * Evaluation runs ({@code sluice eval --store}): {@code POST /admin/evals} stores a run's JSON,
 * {@code GET /admin/evals} lists them (newest first; {@code ?suite=}, {@code ?limit=}),
 * {@code GET /admin/evals/{id}} shows one, {@code GET /admin/evals/{id}/compare/{baseline}} compares
 * two case by case. A team key stores runs in its team and sees only its team's runs.
 */
public final class EvalsAdmin implements Endpoints {
    private final AdminGuard guard;
    private final EvalRuns runs;

    public EvalsAdmin(AdminGuard guard, EvalRuns runs) {
        this.guard = guard;
        this.runs = runs;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .post("/admin/evals", this::store)
                .get("/admin/evals", this::list)
                .get("/admin/evals/{id}", this::show)
                .get("/admin/evals/{id}/compare/{baseline}", this::compare);
    }

    private void store(AdminGuard.Call call) {
        JsonNode run = call.body().node();
        String id = run.path("id").asText("");
        if (!id.matches("[A-Za-z0-9._-]{1,100}")) {
            throw SluiceException.invalidRequest("id", "A run needs its id (letters, digits, '.', '_', '-'): send the JSON "
                    + "that sluice eval -o run.json writes.");
        }
        if (!run.path("results").isArray() || !run.path("stats").isObject()) {
            throw SluiceException.invalidRequest("results", "This is not an evaluation run: send the JSON that "
                    + "sluice eval -o run.json writes.");
        }
        String team = call.who.team();
        call.who.requireWrite(team, "store evaluation runs");
        if (!runs.insert(run, team, call.who.id(), call.now())) {
            throw new SluiceException(409, "invalid_request_error", "eval_run_exists", "id",
                    "A run with the id '" + id + "' is already stored.");
        }
        call.audit("eval.store", id, team, null, null);
        ObjectNode out = Json.object().put("object", "eval.run").put("id", id);
        call.send(201, Json.bytes(out));
    }

    private void list(AdminGuard.Call call) {
        List<ObjectNode> found = runs.list(call.who.visibleTeam(), call.query("suite"), call.limit());
        ObjectNode out = Json.object().put("object", "list");
        ArrayNode data = out.putArray("data");
        found.forEach(data::add);
        call.send(200, Json.bytes(out));
    }

    private ObjectNode find(AdminGuard.Call call, String id) {
        ObjectNode run = runs.find(id).orElseThrow(() -> new SluiceException(404, "invalid_request_error",
                "eval_run_not_found", "id", "No evaluation run '" + id + "' (list them with GET /admin/evals)."));
        call.who.requireRead(run.path("team").isNull() ? null : run.path("team").asText(), "evaluation run " + id);
        return run;
    }

    private void show(AdminGuard.Call call) {
        call.send(200, Json.bytes(find(call, call.path("id"))));
    }

    private void compare(AdminGuard.Call call) {
        JsonNode current = find(call, call.path("id")).path("run");
        JsonNode baseline = find(call, call.path("baseline")).path("run");
        Comparison c = Comparison.of(baseline, current);
        ObjectNode out = Json.object().put("object", "eval.comparison");
        out.put("run", call.path("id")).put("baseline", call.path("baseline"));
        out.put("regressions", c.regressions()).put("fixes", c.fixes()).put("added", c.added()).put("removed", c.removed());
        out.put("cost_increase_percent", c.costIncreasePercent());
        out.put("latency_increase_percent", c.latencyIncreasePercent());
        ArrayNode rows = out.putArray("cases");
        for (Comparison.Row r : c.rows()) {
            ObjectNode o = rows.addObject().put("key", r.key()).put("change", r.change());
            if (r.before() != null) {
                o.put("pass_before", r.before()).put("score_before", r.scoreBefore());
            }
            if (r.after() != null) {
                o.put("pass_after", r.after()).put("score_after", r.scoreAfter());
            }
        }
        out.put("table", c.table());
        call.send(200, Json.bytes(out));
    }
}
