package dev.sluice.app;

import dev.sluice.admin.AnalyticsAdmin;
import dev.sluice.config.AnalyticsConfig;
import dev.sluice.store.RequestSearch;
import dev.sluice.store.SpanReader;
import dev.sluice.store.StatsReader;

/** The analytics API ({@code analytics:} caps): request and trace search, trace trees, sessions and aggregates. */
final class AnalyticsModule implements Module {
    private final AnalyticsConfig config;
    private final StoreModule store;
    private final AuthModule auth;

    AnalyticsModule(AnalyticsConfig config, StoreModule store, AuthModule auth) {
        this.config = config;
        this.store = store;
        this.auth = auth;
    }

    @Override
    public String name() {
        return "analytics";
    }

    @Override
    public void contribute(Contributions to) {
        to.endpoints(new AnalyticsAdmin(auth.adminGuard(), new RequestSearch(store.database()),
                new SpanReader(store.database()), new StatsReader(store.database()), config));
    }
}
