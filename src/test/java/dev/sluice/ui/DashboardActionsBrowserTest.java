package dev.sluice.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import dev.sluice.api.Json;
import dev.sluice.testing.Http;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard's buttons that change prompts, experiments, canaries, shadows and review items, in a
 * real browser against the demo gateway: each calls the admin API's route with the session's CSRF
 * token, the change is audited, and a viewer has no buttons and is refused (403) when it posts anyway.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Dashboard actions in a browser")
class DashboardActionsBrowserTest {
    private DemoGateway demo;
    private Playwright playwright;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        var chromium = Chromium.executable();
        var demoReady = CompletableFuture.supplyAsync(() -> {
            try {
                return DemoGateway.start(1);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(chromium).setHeadless(true));
        demo = demoReady.join();
        Files.createDirectories(BrowserSession.SCREENSHOTS);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    private JsonNode admin(String method, String path, ObjectNode body) {
        Http.Response r = method.equals("GET") ? demo.http.get(path, Http.bearer(DemoGateway.ADMIN_KEY))
                : demo.http.post(path, body, Http.bearer(DemoGateway.ADMIN_KEY));
        assertThat(r.status()).as(method + " " + path + ": " + r.body()).isBetween(200, 201);
        return r.json();
    }

    /** A prompt with versions 1..n (each a different system message), its production label on version 1. */
    private void prompt(String name, int versions) {
        for (int v = 1; v <= versions; v++) {
            var body = Json.object().put("message", "version " + v);
            var p = body.putArray("prompts").addObject().put("name", name).put("model", "gpt-4o-mini");
            p.putArray("messages").addObject().put("role", "system").put("content", "You help, take " + v + ".");
            admin("POST", "/admin/prompts", body);
        }
        admin("POST", "/admin/prompts/" + name + "/labels/production", Json.object().put("version", 1));
    }

    private String abTest(String prompt) {
        var ab = Json.object().put("prompt", prompt);
        ab.putArray("variants").add(Json.object().put("name", "first").put("target", "1").put("weight", 50))
                .add(Json.object().put("name", "second").put("target", "2").put("weight", 50));
        return admin("POST", "/admin/experiments", ab).path("id").asText();
    }

    private String canary(String prompt) {
        var plan = Json.object().put("prompt", prompt).put("to", 2).put("every", "1h");
        plan.putArray("steps").add(10).add(50).add(100);
        return admin("POST", "/admin/rollouts", plan).path("id").asText();
    }

    private int production(String prompt) {
        return admin("GET", "/admin/prompts/" + prompt, null).path("labels").path("production").asInt();
    }

    private List<String> auditActions() {
        List<String> out = new ArrayList<>();
        admin("GET", "/admin/audit?limit=200", null).path("data").forEach(e -> out.add(e.path("action").asText()
                + " " + e.path("target").asText()));
        return out;
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    @Test
    @DisplayName("an owner pauses, resumes, aborts and promotes a canary now, promotes an A/B winner, stops a shadow; each change is audited")
    void experimentActions() {
        prompt("faq", 2);
        prompt("greeting", 2);
        prompt("launch", 2);
        String ab = abTest("faq");
        String rollout = canary("greeting");
        String launch = canary("launch");
        var shadow = Json.object().put("subject", "model:gpt-4o-mini").put("candidate", "gpt-4o").put("share", 0.1);
        String shadowId = admin("POST", "/admin/shadows", shadow).path("id").asText();
        try (BrowserSession s = new BrowserSession(browser, demo.base, DemoGateway.ADMIN_KEY)) {
            s.open("rollouts");
            assertThat(s.page.locator("main").textContent()).contains("Live: rollout " + rollout, "Live: experiment " + ab);
            s.screenshot("rollouts-actions");
            Locator row = s.page.locator("tr", new Page.LocatorOptions().setHasText("prompt:greeting"));
            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Pause")).click();
            s.page.locator("tr.rollout-paused", new Page.LocatorOptions().setHasText("prompt:greeting")).waitFor();
            assertThat(s.page.getByRole(AriaRole.STATUS).textContent()).contains("paused");
            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Resume")).click();
            s.page.locator("tr.rollout-running", new Page.LocatorOptions().setHasText("prompt:greeting")).waitFor();
            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Abort")).click();
            s.page.locator("tr.rollout-aborted", new Page.LocatorOptions().setHasText("prompt:greeting")).waitFor();
            assertThat(row.getByRole(AriaRole.BUTTON).count()).as("an aborted rollout has no buttons").isZero();
            assertThat(admin("GET", "/admin/rollouts/" + rollout, null).path("status").asText()).isEqualTo("aborted");

            s.page.locator("tr", new Page.LocatorOptions().setHasText("prompt:launch"))
                    .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Promote now")).click();
            s.page.locator("tr.rollout-promoted", new Page.LocatorOptions().setHasText("prompt:launch")).waitFor();
            assertThat(s.page.getByRole(AriaRole.STATUS).textContent()).contains("promoted");
            assertThat(production("launch")).as("promote now moves the label to the candidate at once").isEqualTo(2);

            s.page.getByRole(AriaRole.BUTTON, named("Promote second")).click();
            s.page.locator("tr", new Page.LocatorOptions().setHasText("prompt:faq")).getByText("stopped").waitFor();
            assertThat(admin("GET", "/admin/experiments/" + ab, null).path("winner").asText()).isEqualTo("second");
            assertThat(production("faq")).as("the winner's version is promoted to production").isEqualTo(2);

            Locator shadowRow = s.page.locator("tr", new Page.LocatorOptions().setHasText("model:gpt-4o-mini"));
            shadowRow.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Stop")).click();
            s.page.locator("tr", new Page.LocatorOptions().setHasText("model:gpt-4o-mini")).getByText("stopped").waitFor();
            assertThat(shadowRow.getByRole(AriaRole.BUTTON).count()).as("a stopped shadow has no buttons").isZero();
            assertThat(s.problems).isEmpty();
        }
        assertThat(auditActions()).contains("prompt.rollout.pause " + rollout, "prompt.rollout.resume " + rollout,
                "prompt.rollout.abort " + rollout, "prompt.rollout.promote " + launch, "experiment.stop " + ab, "experiment.shadow.stop " + shadowId);
    }

    @Test
    @DisplayName("an owner rolls a prompt's label back and points a label at a version from the prompt page; both are audited")
    void labelActions() {
        prompt("billing", 3);
        admin("POST", "/admin/prompts/billing/labels/production", Json.object().put("version", 3));
        try (BrowserSession s = new BrowserSession(browser, demo.base, DemoGateway.ADMIN_KEY)) {
            s.open("prompts/billing");
            s.page.getByRole(AriaRole.BUTTON, named("Roll back production")).click();
            s.page.getByRole(AriaRole.STATUS).getByText("rolled back").waitFor();
            s.waitRendered("prompts/billing");
            assertThat(production("billing")).isEqualTo(1);
            assertThat(s.page.getByRole(AriaRole.BUTTON, named("Roll back production")).count())
                    .as("production's first move had no earlier version to go back to").isZero();

            s.page.getByLabel("Label", new Page.GetByLabelOptions().setExact(true)).fill("staging");
            s.page.getByLabel("Version", new Page.GetByLabelOptions().setExact(true)).selectOption("2");
            s.page.getByLabel("Reason").fill("try the second take");
            s.page.getByRole(AriaRole.BUTTON, named("Move label")).click();
            s.page.getByRole(AriaRole.STATUS).getByText("staging now points at v2").waitFor();
            s.waitRendered("prompts/billing");
            assertThat(s.page.locator("main").textContent()).contains("try the second take");
            s.screenshot("prompt-labels");
            assertThat(s.problems).isEmpty();
        }
        assertThat(admin("GET", "/admin/prompts/billing", null).path("labels").path("staging").asInt()).isEqualTo(2);
        assertThat(auditActions()).contains("prompt.label.rollback prompt:billing:production", "prompt.label.move prompt:billing:staging");
    }

    @Test
    @DisplayName("a viewer sees experiments, labels and review items without buttons, and gets 403 when it posts anyway")
    void viewerHasNoButtons() {
        prompt("viewer-faq", 2);
        String rollout = canary("viewer-faq");
        String item = reviewItem("A viewer may look at this.");
        try (BrowserSession s = new BrowserSession(browser, demo.base, demo.adminKey("viewer", null))) {
            s.open("rollouts");
            assertThat(s.page.locator("main").textContent()).contains("prompt:viewer-faq");
            for (String button : new String[] {"Pause", "Resume", "Promote now", "Abort", "Stop", "Promote first", "Promote second"}) {
                assertThat(s.page.getByRole(AriaRole.BUTTON, named(button)).count()).as(button).isZero();
            }
            s.open("prompts/viewer-faq");
            assertThat(s.page.getByRole(AriaRole.BUTTON, named("Move label")).count()).isZero();
            assertThat(s.page.getByRole(AriaRole.BUTTON, named("Roll back production")).count()).isZero();
            s.open("reviews/" + item);
            assertThat(s.page.getByRole(AriaRole.BUTTON, named("Label incorrect")).count()).isZero();
            assertThat(s.problems).isEmpty();
            assertThat(s.forgedPost("rollouts/" + rollout + "/pause", "{}")).isEqualTo(403);
            assertThat(s.forgedPost("rollouts/" + rollout + "/abort", "{}")).isEqualTo(403);
            assertThat(s.forgedPost("rollouts/" + rollout + "/promote", "{}")).isEqualTo(403);
            assertThat(s.forgedPost("prompts/viewer-faq/labels/production/rollback", "{}")).isEqualTo(403);
            assertThat(s.forgedPost("reviews/" + item + "/label", "{\"label\":\"harmful\"}")).isEqualTo(403);
        }
        assertThat(admin("GET", "/admin/rollouts/" + rollout, null).path("status").asText()).isEqualTo("running");
    }

    @Test
    @DisplayName("a team admin pauses its team's canary from the page, sees no other team's, and gets 403 when it forges a change to one")
    void teamAdmin() {
        assertThat(demo.http.post("/admin/teams", Json.object().put("id", "support"), Http.bearer(DemoGateway.ADMIN_KEY)).status())
                .isIn(201, 409);
        for (int v = 1; v <= 2; v++) {
            var body = Json.object().put("message", "v" + v);
            var p = body.putArray("prompts").addObject().put("name", "support-faq").put("team", "support").put("model", "gpt-4o-mini");
            p.putArray("messages").addObject().put("role", "system").put("content", "Support, take " + v + ".");
            admin("POST", "/admin/prompts", body);
        }
        admin("POST", "/admin/prompts/support-faq/labels/production", Json.object().put("version", 1));
        String own = canary("support-faq");
        prompt("org-faq", 2);
        String other = canary("org-faq");
        try (BrowserSession s = new BrowserSession(browser, demo.base, demo.adminKey("team_admin", "support"))) {
            s.open("rollouts");
            assertThat(s.page.locator("main").textContent()).contains("prompt:support-faq").doesNotContain("prompt:org-faq");
            Locator row = s.page.locator("tr", new Page.LocatorOptions().setHasText("prompt:support-faq"));
            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Pause")).click();
            s.page.locator("tr.rollout-paused", new Page.LocatorOptions().setHasText("prompt:support-faq")).waitFor();
            assertThat(s.problems).isEmpty();
            assertThat(s.forgedPost("rollouts/" + other + "/abort", "{}")).isEqualTo(403);
        }
        assertThat(admin("GET", "/admin/rollouts/" + own, null).path("status").asText()).isEqualTo("paused");
        assertThat(admin("GET", "/admin/rollouts/" + other, null).path("status").asText()).isEqualTo("running");
    }

    @Test
    @DisplayName("the alerts page lists the demo's rules with their state and the alerts sent, here a key's budget crossing its thresholds")
    void alerts() {
        var spec = Json.object().put("name", "tiny-budget");
        spec.putObject("budget").put("daily_usd", 0.00001);
        String secret = admin("POST", "/admin/keys", spec).path("key").asText();
        var body = Json.object().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", "Spend my tiny budget, please.");
        demo.http.post("/v1/chat/completions", body, Http.bearer(secret));
        try (BrowserSession s = new BrowserSession(browser, demo.base, DemoGateway.ADMIN_KEY)) {
            s.open("alerts");
            String text = s.page.locator("main").textContent();
            assertThat(text).contains("upstream-errors", "slow-first-token", "error_rate");
            assertThat(s.page.locator("tr.rule-ok").count()).isPositive();
            assertThat(text).as("the budget alert in the history").containsIgnoringCase("budget");
            s.screenshot("alerts");
            assertThat(s.problems).isEmpty();
        }
    }

    /** A chat with a thumbs down: its request lands in the review queue; the item's id. */
    private String reviewItem(String question) {
        var body = Json.object().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", question);
        Http.Response chat = demo.http.post("/v1/chat/completions", body, Http.bearer(demo.apiKey));
        assertThat(chat.status()).isEqualTo(200);
        String requestId = chat.header("x-request-id");
        var feedback = Json.object().put("request_id", requestId).put("value", "down").put("comment", "wrong answer");
        assertThat(demo.http.post("/v1/feedback", feedback, Http.bearer(demo.apiKey)).status()).isEqualTo(201);
        demo.gateway.awaitFlushed(java.time.Duration.ofSeconds(10));
        for (JsonNode item : admin("GET", "/admin/reviews?status=all&limit=200", null).path("data")) {
            if (item.path("request_id").asText().equals(requestId)) {
                return item.path("id").asText();
            }
        }
        throw new AssertionError("no review item for " + requestId);
    }

    @Test
    @DisplayName("an owner looks up an end user and erases what is stored about them; the erasure is audited")
    void erasure() {
        String user = "erase-me-" + System.nanoTime();
        for (int i = 0; i < 2; i++) {
            var body = Json.object().put("model", "gpt-4o-mini").put("user", user);
            body.putArray("messages").addObject().put("role", "user").put("content", "Forget me, take " + i + ".");
            assertThat(demo.http.post("/v1/chat/completions", body, Http.bearer(demo.apiKey)).status()).isEqualTo(200);
        }
        demo.gateway.awaitFlushed(java.time.Duration.ofSeconds(10));
        try (BrowserSession s = new BrowserSession(browser, demo.base, DemoGateway.ADMIN_KEY)) {
            s.open("users");
            s.page.getByLabel("End user", new Page.GetByLabelOptions().setExact(true)).fill(user);
            s.page.getByRole(AriaRole.BUTTON, named("Look up")).click();
            Locator card = s.page.locator("section.card", new Page.LocatorOptions().setHasText("End user " + user));
            card.waitFor();
            assertThat(s.page.locator("section.card", new Page.LocatorOptions().setHasText("Recent requests"))
                    .locator("tbody tr").count()).isEqualTo(2);
            s.screenshot("user");
            s.page.getByRole(AriaRole.BUTTON, named("Erase this user's data")).click();
            s.page.getByRole(AriaRole.STATUS).getByText("Erased " + user).waitFor();
            s.page.locator("section.card", new Page.LocatorOptions().setHasText("Recent requests"))
                    .getByText("No requests from this user.").waitFor();
            assertThat(s.problems).isEmpty();
        }
        assertThat(admin("GET", "/admin/analytics/requests?user=" + user, null).path("data").size()).isZero();
        assertThat(auditActions()).contains("user.erase " + user);
    }

    @Test
    @DisplayName("the review queue lists a thumbed-down answer; its page shows the captured exchange and labels it (audited)")
    void reviewQueue() {
        String item = reviewItem("What is the capital of Australia? Review me.");
        try (BrowserSession s = new BrowserSession(browser, demo.base, DemoGateway.ADMIN_KEY)) {
            s.open("reviews");
            s.page.locator("a[href='#/reviews/" + item + "']").click();
            s.waitRendered("reviews/" + item);
            assertThat(s.page.getByTestId("review-request").textContent()).contains("capital of Australia");
            assertThat(s.page.getByTestId("review-response").textContent()).isNotBlank();
            s.page.getByLabel("Comment").fill("Canberra, not Sydney");
            s.page.getByRole(AriaRole.BUTTON, named("Label incorrect")).click();
            s.page.locator("main .badge", new Page.LocatorOptions().setHasText("labelled")).first().waitFor();
            s.waitRendered("reviews/" + item);
            assertThat(s.page.locator("main").textContent()).contains("incorrect", "Canberra, not Sydney");
            s.screenshot("review-item");
            s.open("reviews?status=labelled");
            assertThat(s.page.locator("a[href='#/reviews/" + item + "']").count()).isOne();
            assertThat(s.problems).isEmpty();
        }
        assertThat(auditActions()).contains("review.read /admin/reviews/" + item, "review.label " + item);
    }

    @Test
    @DisplayName("evaluations: a stored run's per-test results, two runs compared, and a dataset's items")
    void evaluations() throws Exception {
        java.nio.file.Path suite = Files.createTempFile("ui-eval", ".yaml");
        Files.writeString(suite, """
                description: dashboard suite
                prompts: ['Say hello to {{ x }}']
                providers: [openai:chat:gpt-4o-mini]
                tests:
                  - description: greets
                    vars: {x: Ada}
                    assert: [{type: not-contains, value: ZZZ}]
                """);
        String[] common = {"--url=" + demo.base + "/v1", "--key=" + demo.apiKey, "--store", "--admin-key", DemoGateway.ADMIN_KEY,
                "--no-progress"};
        java.nio.file.Path out = Files.createTempFile("ui-eval", ".json");
        assertThat(dev.sluice.cli.Main.run(concat(new String[] {"eval", suite.toString(), "-o", out.toString()}, common))).isZero();
        String first = Json.MAPPER.readTree(out.toFile()).path("id").asText();
        Files.writeString(suite, Files.readString(suite).replace("not-contains", "contains"));
        assertThat(dev.sluice.cli.Main.run(concat(new String[] {"eval", suite.toString(), "-o", out.toString()}, common)))
                .as("the second run fails its test").isEqualTo(100);
        String second = Json.MAPPER.readTree(out.toFile()).path("id").asText();
        admin("POST", "/admin/datasets", Json.object().put("name", "greetings").put("description", "from the dashboard test"));
        var items = Json.object();
        items.putArray("items").addObject().put("expected", "Hello, Ada").putObject("vars").put("x", "Ada");
        admin("POST", "/admin/datasets/greetings/items", items);
        try (BrowserSession s = new BrowserSession(browser, demo.base, DemoGateway.ADMIN_KEY)) {
            s.open("evals");
            s.page.locator("a[href='#/evals/" + second + "']").click();
            s.waitRendered("evals/" + second);
            Locator failed = s.page.locator("tr.row-error");
            assertThat(failed.textContent()).contains("greets", "fail");
            s.screenshot("eval-run");
            s.open("evals");
            s.page.locator("a[href='#/evals/" + second + "/" + first + "']").click();
            s.waitRendered("evals/" + second + "/" + first);
            assertThat(s.page.locator("main").textContent()).contains("1 regressed", "regressed");
            s.page.locator("a[href='#/evals/dataset/greetings']").click();
            s.waitRendered("evals/dataset/greetings");
            assertThat(s.page.locator("main").textContent()).contains("Hello, Ada", "from the dashboard test");
            assertThat(s.problems).isEmpty();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    @DisplayName("the evaluators and drift page shows the demo's online evaluators and the drift figures of sampled traffic")
    void monitors() {
        try (BrowserSession s = new BrowserSession(browser, demo.base, DemoGateway.ADMIN_KEY)) {
            s.open("monitors");
            String text = s.page.locator("main").textContent();
            assertThat(text).contains("valid-json", "no-apology", "Recent samples", "centroid_distance");
            assertThat(s.page.getByTestId("drift-off").count()).isZero();
            s.screenshot("monitors");
            assertThat(s.problems).isEmpty();
        }
    }
}
