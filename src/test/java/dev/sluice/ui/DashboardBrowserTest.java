package dev.sluice.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import dev.sluice.api.Json;
import dev.sluice.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard in a real browser (headless Chromium driven by Playwright) against a gateway on the
 * demo config with the demo's traffic. Screenshots of every page go to {@code target/ui-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Dashboard in a browser")
class DashboardBrowserTest {
    /** Logged content that would run as script if a page rendered it as HTML. */
    private static final String HOSTILE = "Please email jane.doe@example.com about <img src=x onerror=\"window.__xss=1\">"
            + " and <script>window.__xss=2</script> thanks";

    private DemoGateway demo;
    private Playwright playwright;
    private Browser browser;
    private String hostileRequestId;

    @BeforeAll
    void start() throws Exception {
        Path chromium = Chromium.executable();
        // the demo's traffic runs while the browser starts (Playwright unpacks its driver); Playwright stays on
        // this thread, as it must
        var demoReady = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return DemoGateway.start(1);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        long t0 = System.nanoTime();
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(chromium).setHeadless(true));
        long browserMs = (System.nanoTime() - t0) / 1_000_000;
        demo = demoReady.join();
        System.err.printf("browser tests: Chromium ready in %d ms, demo gateway with its traffic in %d ms%n", browserMs,
                (System.nanoTime() - t0) / 1_000_000);
        var body = Json.object().put("model", "gpt-4o-mini");
        body.putArray("messages").addObject().put("role", "user").put("content", HOSTILE);
        Http.Response hostile = demo.http.post("/v1/chat/completions", body, Http.bearer(demo.apiKey));
        assertThat(hostile.status()).as(hostile.body()).isEqualTo(200);
        hostileRequestId = hostile.header("x-request-id");
        demo.gateway.awaitFlushed(java.time.Duration.ofSeconds(10));
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

    private BrowserSession session(String adminKey) {
        return new BrowserSession(browser, demo.base, adminKey);
    }

    @Test
    @DisplayName("every page loads without console errors or failed requests, at 1280 px and on a phone")
    void everyPage() {
        JsonNode traces = demo.http.get("/admin/analytics/traces?limit=1", Http.bearer(DemoGateway.ADMIN_KEY)).json();
        try (BrowserSession s = session(DemoGateway.ADMIN_KEY)) {
            List<String> navPages = s.page.locator("nav.side a").all().stream().map(a -> a.getAttribute("data-page")).toList();
            assertThat(navPages).contains("overview", "requests", "traces", "keys");
            List<String> a11y = new ArrayList<>();
            for (String page : navPages) {
                s.open(page);
                s.screenshot(page);
                checkAccessible(s, page, a11y);
            }
            s.open("overview?group_by=prompt_version");
            assertThat(s.page.locator("main").textContent()).contains("By prompt_version");
            s.open("request/" + hostileRequestId);
            s.screenshot("request");
            checkAccessible(s, "request", a11y);
            s.open("trace/" + demo.ragTraceId);
            s.screenshot("trace");
            checkAccessible(s, "trace", a11y);
            s.open("session/demo-session");
            s.screenshot("session");
            checkAccessible(s, "session", a11y);
            assertThat(traces.path("data")).isNotEmpty();
            assertThat(s.problems).as("console errors and failed requests").isEmpty();
            assertThat(a11y).as("unlabelled controls, unnamed buttons, low contrast").isEmpty();
        }
    }

    private static void checkAccessible(BrowserSession s, String page, List<String> problems) {
        Accessibility.unlabelled(s.page).forEach(p -> problems.add(page + ": " + p));
        Accessibility.lowContrast(s.page).forEach(p -> problems.add(page + ": " + p));
    }

    @Test
    @DisplayName("every page on a 390 px phone: it fits the width (wide tables scroll in their box), controls are labelled, no console errors")
    void phone() {
        String keyId = demo.http.get("/admin/keys", Http.bearer(DemoGateway.ADMIN_KEY)).json().path("data").get(0).path("id").asText();
        try (BrowserSession phone = new BrowserSession(browser, demo.base, DemoGateway.ADMIN_KEY, 390, 844)) {
            List<String> hashes = new ArrayList<>(phone.page.locator("nav.side a").all().stream()
                    .map(a -> a.getAttribute("data-page")).toList());
            hashes.addAll(List.of("request/" + hostileRequestId, "trace/" + demo.ragTraceId, "session/demo-session", "key/" + keyId));
            List<String> problems = new ArrayList<>();
            for (String hash : hashes) {
                phone.open(hash);
                String name = hash.contains("/") ? hash.substring(0, hash.indexOf('/')) : hash;
                phone.screenshot(name + "-phone");
                String overflow = Accessibility.overflow(phone.page);
                if (overflow != null) {
                    problems.add(hash + ": " + overflow);
                }
                Accessibility.unlabelled(phone.page).forEach(p -> problems.add(hash + ": " + p));
            }
            assertThat(problems).isEmpty();
            assertThat(phone.problems).isEmpty();
        }
    }

    @Test
    @DisplayName("the keyboard alone: the skip link moves the focus to the page, Tab reaches the navigation, Enter opens a page")
    void keyboard() {
        try (BrowserSession s = session(DemoGateway.ADMIN_KEY)) {
            s.open("overview");
            // Shift+Tab from the page's heading goes back through the navigation to the skip link, the first stop
            String focused = "";
            for (int i = 0; i < 60 && !focused.equals("Skip to content"); i++) {
                s.page.keyboard().press("Shift+Tab");
                focused = String.valueOf(s.page.evaluate("() => document.activeElement.textContent"));
            }
            assertThat(focused).isEqualTo("Skip to content");
            assertThat(s.page.locator("a.skip").boundingBox().x).as("the skip link shows when it has the focus").isGreaterThanOrEqualTo(0);
            s.page.keyboard().press("Enter");
            assertThat(s.page.evaluate("() => location.hash")).as("the skip link is not taken for a page").isEqualTo("#/overview");
            assertThat(s.page.evaluate("() => document.activeElement.closest('main') !== null")).isEqualTo(true);
            s.page.locator("a.skip").focus();
            focused = "";
            for (int i = 0; i < 40 && !focused.equals("requests"); i++) {
                s.page.keyboard().press("Tab");
                focused = String.valueOf(s.page.evaluate("() => document.activeElement.dataset.page"));
            }
            assertThat(focused).as("Tab reaches the Requests link").isEqualTo("requests");
            s.page.keyboard().press("Enter");
            s.waitRendered("requests");
            assertThat(s.page.evaluate("() => document.activeElement.tagName")).as("the new page's heading has the focus")
                    .isEqualTo("H1");
            assertThat(s.problems).isEmpty();
        }
    }

    @Test
    @DisplayName("a request page shows the captured, redacted body as text: logged markup does not run")
    void requestPage() {
        try (BrowserSession s = session(DemoGateway.ADMIN_KEY)) {
            s.open("request/" + hostileRequestId);
            Locator captured = s.page.getByTestId("captured-request");
            String text = captured.textContent();
            assertThat(text).contains("<img src=x onerror=", "<script>window.__xss=2</script>");
            assertThat(text).as("personal data is masked as stored").doesNotContain("jane.doe@example.com");
            assertThat(captured.locator("img, script").count()).isZero();
            assertThat(s.page.evaluate("() => window.__xss === undefined")).isEqualTo(true);
            assertThat(s.page.getByTestId("captured-response").textContent()).isNotBlank();
        }
    }

    @Test
    @DisplayName("a trace page renders the RAG tree: the application's spans with the gateway's under generate")
    void tracePage() {
        try (BrowserSession s = session(DemoGateway.ADMIN_KEY)) {
            s.open("trace/" + demo.ragTraceId);
            Locator rows = s.page.locator(".wf-row");
            assertThat(rows.allTextContents()).anyMatch(t -> t.contains("answer question"))
                    .anyMatch(t -> t.contains("retrieve")).anyMatch(t -> t.contains("rerank"))
                    .anyMatch(t -> t.contains("generate")).anyMatch(t -> t.contains("chat gpt-4o-mini"));
            Locator chat = s.page.locator(".wf-row[data-span='chat gpt-4o-mini']").first();
            Locator generate = s.page.locator(".wf-row[data-span='generate']");
            assertThat(Integer.parseInt(chat.getAttribute("aria-level")))
                    .isGreaterThan(Integer.parseInt(generate.getAttribute("aria-level")));
            chat.click();
            assertThat(s.page.locator(".span-detail").textContent()).contains("gen_ai.request.model", "sluice");
        }
    }

    @Test
    @DisplayName("the requests page's live tail shows a new request without a reload, and its link opens it")
    void liveTail() {
        try (BrowserSession s = session(DemoGateway.ADMIN_KEY)) {
            s.open("requests");
            s.page.getByLabel("Live tail").check();
            String id = "req_live_tail_" + System.nanoTime();
            Map<String, String> headers = new java.util.HashMap<>(Http.bearer(demo.apiKey));
            headers.put("x-request-id", id);
            var body = Json.object().put("model", "gpt-4o-mini");
            body.putArray("messages").addObject().put("role", "user").put("content", "Live tail, please.");
            assertThat(demo.http.post("/v1/chat/completions", body, headers).status()).isEqualTo(200);
            Locator link = s.page.locator("a[href='#/request/" + id + "']");
            link.waitFor();
            link.click();
            s.page.locator("main[data-rendered='#/request/" + id + "']").waitFor();
            assertThat(s.page.locator("main h1").textContent()).contains(id);
            assertThat(s.problems).isEmpty();
        }
    }

    @Test
    @DisplayName("a prompt page shows its versions, labels and the diff of the last two versions")
    void promptPage() {
        for (String content : new String[] {"You help {{ product }} users.", "You help {{ product }} users kindly."}) {
            var body = Json.object().put("message", "from the dashboard test");
            var prompt = body.putArray("prompts").addObject().put("name", "support").put("model", "gpt-4o-mini");
            prompt.putArray("messages").addObject().put("role", "system").put("content", content);
            Http.Response pushed = demo.http.post("/admin/prompts", body, Http.bearer(DemoGateway.ADMIN_KEY));
            assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);
        }
        try (BrowserSession s = session(DemoGateway.ADMIN_KEY)) {
            s.open("prompts");
            s.page.locator("a[href='#/prompts/support']").click();
            s.page.locator("main[data-rendered='#/prompts/support']").waitFor();
            assertThat(s.page.locator("main").textContent()).contains("Versions", "v2", "Label history");
            assertThat(s.page.locator("pre.diff").textContent()).contains("kindly");
            s.screenshot("prompt");
            assertThat(s.problems).isEmpty();
        }
    }

    @Test
    @DisplayName("a key is created with its secret shown once, then revoked")
    void keyLifecycle() {
        try (BrowserSession s = session(DemoGateway.ADMIN_KEY)) {
            s.open("keys");
            s.page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("browser-key");
            s.page.getByLabel("Requests / minute").fill("60");
            s.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")).click();
            String secret = s.page.getByTestId("secret").textContent();
            assertThat(secret).startsWith("sk-");
            s.page.locator("tr", new Page.LocatorOptions().setHasText("browser-key")).waitFor();
            s.screenshot("keys-created");
            s.page.reload();
            s.page.locator("main[data-rendered='#/keys']").waitFor();
            assertThat(s.page.content()).doesNotContain(secret);
            Locator row = s.page.locator("tr", new Page.LocatorOptions().setHasText("browser-key"));
            assertThat(row.textContent()).contains("60 rpm", "active");
            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke")).click();
            s.page.locator("tr", new Page.LocatorOptions().setHasText("browser-key")).getByText("revoked").waitFor();
            assertThat(s.problems).isEmpty();
        }
    }

    @Test
    @DisplayName("the keys page, a key's page and a request page show the headroom under the key's limits and budget now")
    void headroom() {
        String keyId = null;
        for (JsonNode k : demo.http.get("/admin/keys", Http.bearer(DemoGateway.ADMIN_KEY)).json().path("data")) {
            if (k.path("name").asText().equals("demo")) {
                keyId = k.path("id").asText();
            }
        }
        assertThat(keyId).isNotNull();
        try (BrowserSession s = session(DemoGateway.ADMIN_KEY)) {
            s.open("keys");
            Locator row = s.page.locator("tr", new Page.LocatorOptions().setHasText(keyId));
            assertThat(row.textContent()).as("the demo traffic's spend against the demo's $5 daily key budget")
                    .containsPattern("\\$[0-9.e-]+ of \\$5\\.00 today");
            row.locator("a[href='#/key/" + keyId + "']").click();
            s.waitRendered("key/" + keyId);
            Locator headroom = s.page.locator("table.headroom").first();
            assertThat(headroom.textContent()).contains("Requests / minute", "Tokens / minute", "In flight", "Budget today",
                    "of 600", "of 16", "of $5.00");
            assertThat(s.page.getByRole(AriaRole.METER).count()).isEqualTo(4);
            s.screenshot("key");
            var team = Json.object().put("id", "budgeted");
            team.putObject("budget").put("daily_usd", 3);
            assertThat(demo.http.post("/admin/teams", team, Http.bearer(DemoGateway.ADMIN_KEY)).status()).isEqualTo(201);
            s.open("teams");
            assertThat(s.page.locator("tr", new Page.LocatorOptions().setHasText("budgeted")).textContent())
                    .contains("$0 of $3.00 today");
            s.open("request/" + hostileRequestId);
            Locator card = s.page.locator("section.card", new Page.LocatorOptions().setHasText("Limits headroom now"));
            assertThat(card.textContent()).contains("key " + keyId, "Requests / minute", "Budget today");
            assertThat(s.problems).isEmpty();
        }
    }

    @Test
    @DisplayName("the cache page lists the cached answers of the demo's traffic, without their text, and drops a model's (audited)")
    void cachePage() {
        try (BrowserSession s = session(DemoGateway.ADMIN_KEY)) {
            s.open("cache");
            Locator entries = s.page.locator("section.card", new Page.LocatorOptions().setHasText("Cached answers in this instance"));
            assertThat(entries.locator("tbody tr").count()).as("the demo asks some questions twice").isPositive();
            assertThat(entries.textContent()).contains("gpt-4o-mini");
            s.screenshot("cache");
            s.page.getByLabel("Model").fill("gpt-4o-mini");
            s.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Drop cached answers")).click();
            assertThat(s.page.getByRole(AriaRole.STATUS).textContent()).containsPattern("Dropped [1-9][0-9]* cached answers");
            assertThat(s.problems).isEmpty();
        }
        JsonNode audit = demo.http.get("/admin/audit?action=cache.invalidate", Http.bearer(DemoGateway.ADMIN_KEY)).json();
        assertThat(audit.path("data").size()).isEqualTo(1);
        assertThat(demo.http.get("/admin/cache/entries?model=gpt-4o-mini", Http.bearer(DemoGateway.ADMIN_KEY)).json()
                .path("data").size()).isZero();
    }

    @Test
    @DisplayName("a viewer sees no write buttons, and gets a 403 when it posts anyway")
    void viewer() {
        try (BrowserSession s = session(demo.adminKey("viewer", null))) {
            s.open("keys");
            assertThat(s.page.locator("main table").count()).isOne();
            assertThat(s.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")).count()).isZero();
            assertThat(s.page.locator("nav.side a[data-page='admin-keys']").count()).as("owner-only page in the nav").isZero();
            assertThat(s.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Revoke")).count()).isZero();
            assertThat(s.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Rotate")).count()).isZero();
            Object status = s.page.evaluate("""
                    async () => {
                      const session = await (await fetch('/ui/session')).json();
                      const r = await fetch('/ui/api/keys', {method: 'POST', body: JSON.stringify({name: 'sneaky'}),
                        headers: {'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token}});
                      return r.status;
                    }""");
            assertThat(status).isEqualTo(403);
        }
    }

    /** The buttons that change something, on every page: none may show to a viewer. */
    private static final List<String> WRITE_BUTTONS = List.of("Create key", "Revoke", "Rotate", "Delete", "Create team",
            "Create admin key", "Erase", "Drop cached answers", "Move label", "Pause", "Resume", "Promote now", "Abort", "Stop");

    @Test
    @DisplayName("a viewer and a team admin walk every page of their navigation without errors; the viewer sees no write button on any")
    void rolesWalk() {
        assertThat(demo.http.post("/admin/teams", Json.object().put("id", "walkers"), Http.bearer(DemoGateway.ADMIN_KEY)).status())
                .isIn(201, 409);
        for (String role : List.of("viewer", "team_admin")) {
            try (BrowserSession s = session(demo.adminKey(role, role.equals("team_admin") ? "walkers" : null))) {
                List<String> navPages = s.page.locator("nav.side a").all().stream().map(a -> a.getAttribute("data-page")).toList();
                assertThat(navPages).as(role).contains("overview", "requests", "keys").doesNotContain("admin-keys");
                List<String> shown = new ArrayList<>();
                for (String page : navPages) {
                    s.open(page);
                    if (role.equals("viewer")) {
                        for (String button : WRITE_BUTTONS) {
                            if (s.page.locator("main").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(button)
                                    .setExact(true)).count() > 0) {
                                shown.add(page + ": " + button);
                            }
                        }
                        if (s.page.locator("main button.danger").count() > 0) {
                            shown.add(page + ": " + s.page.locator("main button.danger").first().textContent());
                        }
                    }
                }
                assertThat(shown).as(role + ": write buttons").isEmpty();
                assertThat(s.problems).as(role + ": console errors, failed requests, HTTP errors").isEmpty();
            }
        }
    }

    @Test
    @DisplayName("a post without the CSRF token is refused, even from the dashboard's own page")
    void csrf() {
        try (BrowserSession s = session(DemoGateway.ADMIN_KEY)) {
            s.open("overview");
            Object status = s.page.evaluate("""
                    async () => (await fetch('/ui/api/keys', {method: 'POST', body: JSON.stringify({name: 'forged'}),
                      headers: {'Content-Type': 'application/json'}})).status""");
            assertThat(status).isEqualTo(403);
            Object cookieVisible = s.page.evaluate("() => document.cookie.includes('sluice_ui')");
            assertThat(cookieVisible).as("the session cookie is HttpOnly").isEqualTo(false);
        }
    }
}
