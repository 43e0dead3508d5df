package dev.sluice.admin;

import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import dev.sluice.store.BodyReader;
import dev.sluice.store.BodyRecord;
import dev.sluice.store.ReviewItem;
import dev.sluice.store.ReviewRepository;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * The review queue: answers with negative feedback or a failed online evaluator score.
 * {@code GET /admin/reviews} lists them, {@code GET /admin/reviews/{id}} shows one with its captured
 * request and answer (an audited read), {@code POST /admin/reviews/{id}/label} labels it (audited).
 * A team-limited key sees and labels its team's items only (another team's is a 404); a viewer
 * cannot label.
 */
public final class ReviewsAdmin implements Endpoints {
    private static final Set<String> STATUSES = Set.of(ReviewItem.OPEN, ReviewItem.LABELLED, "all");
    private static final Set<String> LABEL_FIELDS = Set.of("label", "comment");
    private static final int MAX_COMMENT = 4000;

    private final AdminGuard guard;
    private final ReviewRepository reviews;
    private final BodyReader bodies;

    public ReviewsAdmin(AdminGuard guard, ReviewRepository reviews, BodyReader bodies) {
        this.guard = guard;
        this.reviews = reviews;
        this.bodies = bodies;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .get("/admin/reviews", this::list)
                .read("/admin/reviews/{id}", "review.read", this::show)
                .post("/admin/reviews/{id}/label", this::label);
    }

    /** {@code GET /admin/reviews?status=open|labelled|all&team=&model=&limit=}: newest first; open items by default. */
    private void list(AdminGuard.Call call) {
        String status = call.query("status") == null ? ReviewItem.OPEN : call.query("status").strip();
        if (!STATUSES.contains(status)) {
            throw SluiceException.invalidRequest("status", "Unknown status '" + status + "'. Use open, labelled or all.");
        }
        String team = blankToNull(call.query("team"));
        if (call.who.team() != null) {
            call.who.requireRead(team == null ? call.who.team() : team, "review items");
            team = call.who.team();
        }
        var query = new ReviewRepository.Query(status.equals("all") ? null : status, team,
                blankToNull(call.query("model")), call.limit());
        call.send(200, AdminJson.list(reviews.list(query), AdminJson::review));
    }

    /** {@code GET /admin/reviews/{id}}: the item, and the request and answer when body capture stored them. */
    private void show(AdminGuard.Call call) {
        ReviewItem item = visible(call);
        Optional<BodyRecord> body = bodies.findOfTeam(item.requestId(), item.teamOrNull());
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            AdminJson.reviewFields(gen, item);
            gen.writeBooleanField("body_captured", body.isPresent());
            gen.writeFieldName("request");
            gen.writeTree(LogsAdmin.tree(body.map(BodyRecord::request).orElse(null)));
            gen.writeFieldName("response");
            gen.writeTree(LogsAdmin.tree(body.map(BodyRecord::response).orElse(null)));
            gen.writeEndObject();
        }));
    }

    /** {@code POST /admin/reviews/{id}/label {"label": "incorrect", "comment": "..."}}; labelling again replaces the label. */
    private void label(AdminGuard.Call call) {
        AdminBody body = call.body();
        for (Iterator<String> it = body.node().fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!LABEL_FIELDS.contains(field)) {
                throw SluiceException.invalidRequest(field, "Unknown field '" + field + "'. A label takes label and comment.");
            }
        }
        String label = body.text("label");
        if (label == null) {
            throw SluiceException.missing("label");
        }
        label = label.strip();
        if (!ReviewItem.LABELS.contains(label)) {
            throw SluiceException.invalidRequest("label", "Unknown label '" + label + "'. Use "
                    + String.join(", ", ReviewItem.LABELS) + ".");
        }
        String comment = body.text("comment");
        comment = comment == null || comment.isBlank() ? null : comment.strip();
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw SluiceException.invalidRequest("comment", "The comment is longer than " + MAX_COMMENT + " characters.");
        }
        ReviewItem item = visible(call);
        call.who.requireWrite(item.teamOrNull(), "label review items");
        long now = call.now();
        call.audit("review.label", item.id(), item.teamOrNull(), state(item.status(), item.label(), item.comment()),
                state(ReviewItem.LABELLED, label, comment));
        if (!reviews.label(item.id(), label, comment, call.who.id(), now)) {
            throw notFound(item.id(), call);
        }
        ReviewItem labelled = new ReviewItem(item.id(), item.ts(), item.requestId(), item.traceId(), item.keyId(),
                item.team(), item.model(), item.prompt(), item.reason(), item.score(), ReviewItem.LABELLED, label, comment,
                call.who.id(), now);
        call.send(200, Json.write(gen -> AdminJson.review(gen, labelled)));
    }

    /** The item's label state as the audit log's before/after (JSON). */
    private static String state(String status, String label, String comment) {
        java.util.Map<String, String> state = new java.util.LinkedHashMap<>();
        state.put("status", status);
        state.put("label", label);
        state.put("comment", comment);
        return Json.string(state);
    }

    /** The item of the path, if the caller may see it; another team's is "not found" too. */
    private ReviewItem visible(AdminGuard.Call call) {
        String id = call.path("id");
        return reviews.find(id, call.who.visibleTeam()).orElseThrow(() -> notFound(id, call));
    }

    private static SluiceException notFound(String id, AdminGuard.Call call) {
        return SluiceException.notFound("No review item '" + id + "'" + (call.who.visibleTeam() == null ? ""
                : " of team '" + call.who.visibleTeam() + "'") + ". List them with GET /admin/reviews?status=all.");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
