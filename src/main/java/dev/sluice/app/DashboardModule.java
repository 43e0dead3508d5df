package dev.sluice.app;

import dev.sluice.config.DashboardConfig;
import dev.sluice.ui.DashboardEndpoints;
import dev.sluice.ui.LoginThrottle;
import dev.sluice.ui.Sessions;
import java.time.Clock;

/** {@code dashboard:}: the web UI at {@code /ui} (nothing is served there unless it is enabled). */
final class DashboardModule implements Module {
    private final DashboardConfig config;
    private final AuthModule auth;
    private final Clock clock;
    private final long maxBodyBytes;

    DashboardModule(DashboardConfig config, AuthModule auth, Clock clock, long maxBodyBytes) {
        this.config = config;
        this.auth = auth;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public String name() {
        return "dashboard";
    }

    @Override
    public void contribute(Contributions to) {
        if (!config.enabled()) {
            return;
        }
        Sessions sessions = new Sessions(clock, config.sessionTtl(), config.idleTimeout());
        LoginThrottle throttle = new LoginThrottle(clock, config.loginFailuresPerIp(), config.loginFailuresPerKeyPrefix(),
                config.loginFailureWindow());
        to.endpoints(new DashboardEndpoints(sessions, throttle, auth.adminKeys()::resolve, auth.audit(), clock,
                config.secureCookie(), maxBodyBytes));
    }
}
