package dev.sluice.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A browser page with its own cookies, logged in to a gateway's dashboard through the login form; the
 * console errors, page errors, failed requests and HTTP errors it meets are collected in {@link #problems}.
 */
final class BrowserSession implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    final BrowserContext context;
    final Page page;
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final String base;

    BrowserSession(Browser browser, String base, String adminKey, int width, int height) {
        this.base = base;
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(width, height));
        page = context.newPage();
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                problems.add("console: " + m.text());
            }
        });
        page.onPageError(e -> problems.add("page error: " + e));
        page.onRequestFailed(r -> problems.add("failed: " + r.url() + " " + r.failure()));
        page.onResponse(r -> {
            if (r.status() >= 400) {
                problems.add("HTTP " + r.status() + " " + r.url());
            }
        });
        page.onDialog(d -> d.accept());
        page.navigate(base + "/ui");
        page.getByLabel("Admin key").fill(adminKey);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        page.locator("nav.side").waitFor();
    }

    BrowserSession(Browser browser, String base, String adminKey) {
        this(browser, base, adminKey, 1280, 900);
    }

    /** Opens a page by its hash route and waits until it has rendered its heading. */
    void open(String hash) {
        page.navigate(base + "/ui#/" + hash);
        waitRendered(hash);
    }

    /** Waits until the page of this hash has rendered (after a navigation or a reload after a change), without an error box. */
    void waitRendered(String hash) {
        page.locator("main[data-rendered='#/" + hash + "']").waitFor();
        assertThat(page.locator("main .error").count()).as("error box on " + hash + ": "
                + (page.locator("main .error").count() > 0 ? page.locator("main .error").first().textContent() : "")).isZero();
    }

    void screenshot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }

    /** A state change posted by script from this page with the session's CSRF token (as a forger in the page would); its status. */
    int forgedPost(String apiPath, String jsonBody) {
        Object status = page.evaluate("""
                async ([path, body]) => {
                  const session = await (await fetch('/ui/session')).json();
                  const r = await fetch('/ui/api/' + path, {method: 'POST', body,
                    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token}});
                  return r.status;
                }""", List.of(apiPath, jsonBody));
        return ((Number) status).intValue();
    }

    @Override
    public void close() {
        context.close();
    }
}
