package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The demo's drift part: users of {@code support-bot} ask about cooking, then about programming; the
 * demo config's {@code topic-shift} rule (drift of the prompts' embedding centroid, a 10 s window against
 * the 2 minutes before, evaluated every 2 s) fires, and the demo reads the firing alert back from
 * {@code GET /admin/alerts}. The question lists are also the drift test's stable and shifted streams.
 */
public final class DemoDrift {
    /** The model the demo config's drift rule watches. */
    static final String MODEL = "support-bot";
    /** The rule's recent window in the demo config; the baseline has to leave it before the topic shifts. */
    static final Duration WINDOW = Duration.ofSeconds(10);

    /** Cooking questions: the stable topic. */
    public static final List<String> COOKING = List.of(
            "How long should I boil an egg for a soft yolk?", "What is the best way to caramelise onions?",
            "Can I replace butter with olive oil when baking a cake?", "How do I keep pasta from sticking together?",
            "What temperature should I roast a chicken at?", "How do I make a simple tomato sauce from scratch?",
            "Why did my bread not rise in the oven?", "How much salt should go into pizza dough?",
            "What spices go well with roasted carrots?", "How do I cook rice so it is fluffy?",
            "Is it safe to refreeze thawed minced beef?", "How can I make my pancakes thicker?",
            "What can I use instead of eggs in cookies?", "How do I sear a steak in a cast iron pan?",
            "How long does homemade soup keep in the fridge?", "What is the difference between baking soda and baking powder?",
            "How do I make a vinaigrette that does not separate?", "Which potatoes are best for mashing?",
            "How do I know when a pork chop is cooked through?", "What herbs go into a classic pesto?");

    /** Questions about programming: the topic the traffic shifts to. */
    public static final List<String> CODE = List.of(
            "How do I reverse a linked list in Java?", "What does a NullPointerException mean in my stack trace?",
            "How do I write a SQL query that joins three tables?", "Why is my Python list comprehension so slow?",
            "How do I undo the last git commit but keep the changes?", "What is the difference between TCP and UDP sockets?",
            "How can I make an HTTP request in JavaScript with fetch?", "How do I parse JSON in Go?",
            "What is a race condition and how do I avoid it with locks?", "How do I configure a Kubernetes liveness probe?",
            "Why does my Rust borrow checker complain about a mutable reference?", "How do I index a PostgreSQL column for LIKE queries?",
            "How do I write a unit test with JUnit 5 and AssertJ?", "What is the time complexity of quicksort?",
            "How do I read a file line by line in C?", "How do I set environment variables in a Dockerfile?",
            "What is dependency injection in Spring?", "How do I debounce a function in TypeScript?",
            "How can I profile memory allocations in the JVM?", "How do I write a regular expression for an email address?");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String apiKey;
    private final AdminClient admin;
    /** Waits until the sampled prompts are embedded (the in-process gateway's drift queue is drained). */
    private final Predicate<Duration> awaitSampled;

    DemoDrift(String base, String apiKey, AdminClient admin, Predicate<Duration> awaitSampled) {
        this.base = base;
        this.apiKey = apiKey;
        this.admin = admin;
        this.awaitSampled = awaitSampled;
    }

    /** Sends both streams and prints the firing alert; false when the alert did not fire. */
    boolean run() throws IOException, InterruptedException {
        System.out.println();
        System.out.println("Drift (quality monitoring): " + MODEL + " users ask about cooking, then about programming");
        ask(COOKING);
        awaitSampled.test(Duration.ofSeconds(30));
        // the cooking questions have to leave the rule's recent window to become its baseline
        Thread.sleep(WINDOW.toMillis() + 1_500);
        ask(CODE);
        awaitSampled.test(Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode a : admin.get("/admin/alerts?status=firing&since=5m").path("data")) {
                if (a.path("details").path("rule").asText().equals("topic-shift")) {
                    JsonNode f = a.path("details").path("figures");
                    System.out.println("  " + a.path("priority").asText() + " " + a.path("title").asText());
                    System.out.println(String.format(Locale.ROOT, "  figures: centroid_shift %.1f, centroid_distance %.2f,"
                                    + " embedding_psi %.2f, %d recent / %d baseline samples",
                            f.path("centroid_shift").asDouble(), f.path("centroid_distance").asDouble(),
                            f.path("embedding_psi").asDouble(), f.path("recent_samples").asLong(),
                            f.path("baseline_samples").asLong()));
                    System.out.println("  (read back from GET /admin/alerts: the rules' state and this node's recent alerts)");
                    return true;
                }
            }
            Thread.sleep(500);
        }
        System.out.println("  failed: the topic-shift drift alert did not fire; see GET /admin/quality/drift?model=" + MODEL
                + "&window=10s&baseline=2m");
        return false;
    }

    /** Each question twice (the second time reworded a little), so each window has 40 samples. */
    private void ask(List<String> questions) throws IOException, InterruptedException {
        for (int round = 0; round < 2; round++) {
            for (String q : questions) {
                ObjectNode body = Json.object().put("model", MODEL).put("max_tokens", 16);
                body.putArray("messages").addObject().put("role", "user").put("content", round == 0 ? q : q + " Answer in one line.");
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                        .header("authorization", "Bearer " + apiKey).header("content-type", "application/json")
                        .header("x-sluice-cache", "no-store")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 200) {
                    throw new IOException("chat request for " + MODEL + " answered HTTP " + r.statusCode());
                }
            }
        }
    }
}
