package dev.sluice.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.eval.store.Datasets;
import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import dev.sluice.store.RequestRecord;
import dev.sluice.store.RequestSearch;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluation datasets: {@code POST /admin/datasets} creates one ({@code name}, {@code description}),
 * {@code GET /admin/datasets} lists them, {@code GET /admin/datasets/{name}} shows one with its items,
 * {@code POST /admin/datasets/{name}/items} adds items ({@code {"items": [{"vars", "expected"?,
 * "metadata"?}]}}), and {@code POST /admin/datasets/{name}/from-logs} adds logged requests chosen by
 * the analytics filters (query string, plus {@code feedback=negative} and {@code limit}), which needs
 * captured bodies. Items are kept once per normalised input. Team keys work in their team.
 */
public final class DatasetsAdmin implements Endpoints {
    private static final int MAX_ITEMS = 10_000;
    private final AdminGuard guard;
    private final Datasets datasets;
    private final RequestSearch search;

    public DatasetsAdmin(AdminGuard guard, Datasets datasets, RequestSearch search) {
        this.guard = guard;
        this.datasets = datasets;
        this.search = search;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .post("/admin/datasets", this::create)
                .get("/admin/datasets", this::list)
                .get("/admin/datasets/{name}", this::show)
                .post("/admin/datasets/{name}/items", this::addItems)
                .post("/admin/datasets/{name}/from-logs", this::fromLogs);
    }

    private void create(AdminGuard.Call call) {
        AdminBody body = call.body();
        String name = body.text("name");
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw SluiceException.invalidRequest("name", "Name the dataset with letters, digits, '.', '_' or '-'.");
        }
        String team = call.who.team();
        call.who.requireWrite(team, "create datasets");
        if (!datasets.create(name, team, body.text("description"), call.who.id(), call.now())) {
            throw new SluiceException(409, "invalid_request_error", "dataset_exists", "name", "The dataset '" + name + "' exists.");
        }
        call.audit("dataset.create", name, team, null, null);
        call.send(201, Json.bytes(datasets.find(name).orElseThrow()));
    }

    private void list(AdminGuard.Call call) {
        ObjectNode out = Json.object().put("object", "list");
        ArrayNode data = out.putArray("data");
        datasets.list(call.who.visibleTeam()).forEach(data::add);
        call.send(200, Json.bytes(out));
    }

    private ObjectNode find(AdminGuard.Call call, boolean write) {
        String name = call.path("name");
        ObjectNode d = datasets.find(name).orElseThrow(() -> new SluiceException(404, "invalid_request_error",
                "dataset_not_found", "name", "No dataset '" + name + "' (create it with POST /admin/datasets)."));
        String team = d.path("team").isNull() ? null : d.path("team").asText();
        if (write) {
            call.who.requireWrite(team, "change dataset " + name);
        } else {
            call.who.requireRead(team, "dataset " + name);
        }
        return d;
    }

    private void show(AdminGuard.Call call) {
        ObjectNode d = find(call, false);
        ArrayNode items = d.putArray("data");
        datasets.items(d.path("name").asText(), MAX_ITEMS).forEach(items::add);
        call.send(200, Json.bytes(d));
    }

    private void addItems(AdminGuard.Call call) {
        ObjectNode d = find(call, true);
        JsonNode list = call.body().node().path("items");
        if (!list.isArray() || list.isEmpty() || list.size() > MAX_ITEMS) {
            throw SluiceException.invalidRequest("items", "Send {\"items\": [{\"vars\": {...}, \"expected\"?: \"...\"}]},"
                    + " 1 to " + MAX_ITEMS + " items.");
        }
        List<Datasets.Item> items = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            if (!item.path("vars").isObject()) {
                throw SluiceException.invalidRequest("items[" + i + "].vars", "Each item needs vars: an object of variables.");
            }
            items.add(new Datasets.Item(item.get("vars"), item.path("expected").isTextual() ? item.get("expected").asText() : null,
                    item.path("metadata").isObject() ? item.get("metadata") : null,
                    item.path("source_request_id").isTextual() ? item.get("source_request_id").asText() : null));
        }
        int added = datasets.add(d.path("name").asText(), items, call.now());
        call.audit("dataset.add", d.path("name").asText(), d.path("team").asText(null), null, Integer.toString(added));
        call.send(200, Json.bytes(Json.object().put("object", "eval.dataset.added").put("added", added)
                .put("duplicates", items.size() - added)));
    }

    private void fromLogs(AdminGuard.Call call) {
        ObjectNode d = find(call, true);
        String feedback = call.query("feedback");
        if (feedback != null && !feedback.equals("negative")) {
            throw SluiceException.invalidRequest("feedback", "Only feedback=negative is supported.");
        }
        int limit = call.limit();
        List<RequestRecord> ids = new ArrayList<>();
        Long before = null;
        // pages of the request log, newest first, until enough requests qualify (bounded: 20 pages)
        for (int page = 0; page < 20 && ids.size() < limit; page++) {
            RequestSearch.Page p = search.search(AnalyticsAdmin.requestQuery(call), 500, before, null);
            List<RequestRecord> pageIds = p.rows();
            ids.addAll(feedback == null ? pageIds : datasets.withNegativeFeedback(pageIds));
            if (p.nextCursor() == null) {
                break;
            }
            before = p.nextCursor();
        }
        if (ids.size() > limit) {
            ids = ids.subList(0, limit);
        }
        List<Datasets.Item> items = datasets.fromCapturedBodies(ids);
        int added = items.isEmpty() ? 0 : datasets.add(d.path("name").asText(), items, call.now());
        ObjectNode out = Json.object().put("object", "eval.dataset.added").put("matched", ids.size())
                .put("without_captured_body", ids.size() - items.size()).put("added", added)
                .put("duplicates", items.size() - added);
        if (!ids.isEmpty() && items.isEmpty()) {
            out.put("hint", "None of the matching requests has a captured body: turn on tracing.capture to grow datasets from the log.");
        }
        call.audit("dataset.from_logs", d.path("name").asText(), d.path("team").asText(null), null, Integer.toString(added));
        call.send(200, Json.bytes(out));
    }
}
