package dev.sluice.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The system's Chromium for the browser tests (Debian's {@code chromium} package; {@code .ci/run}
 * installs it when missing). Playwright drives it and downloads no browser of its own. Missing, it
 * fails the tests under {@code CI=true}; elsewhere they are skipped, loudly.
 */
final class Chromium {
    private Chromium() {}

    static Path executable() {
        String configured = System.getenv("SLUICE_CHROMIUM");
        for (String candidate : new String[] {configured, "/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (candidate != null && Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        String message = "Chromium is not installed, so the dashboard's browser tests cannot run. Install Debian's package:"
                + " apt-get install -y chromium (.ci/run does), or point SLUICE_CHROMIUM at a Chromium binary";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI=true: a missing browser is a failure)");
        }
        System.err.println("SKIPPED: " + message);
        Assumptions.abort(message);
        return null;
    }
}
