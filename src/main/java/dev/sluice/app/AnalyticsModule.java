package dev.sluice.app;

import dev.sluice.admin.AnalyticsAdmin;
import dev.sluice.admin.RequestDetailAdmin;
import dev.sluice.store.BodyReader;
import dev.sluice.store.RequestLogReader;
import dev.sluice.store.RequestSearch;
import dev.sluice.store.SpanReader;
import dev.sluice.store.StatsReader;

/** The analytics API: request and trace search, trace trees, sessions and aggregates. */
final class AnalyticsModule implements Module {
    /** An aggregate reading more request-log rows than this is refused with a 400 asking to narrow it. */
    private static final long MAX_STATS_ROWS = 2_000_000;

    private final StoreModule store;
    private final AuthModule auth;

    AnalyticsModule(StoreModule store, AuthModule auth) {
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
                new SpanReader(store.database()), new StatsReader(store.database()), MAX_STATS_ROWS));
        to.endpoints(new RequestDetailAdmin(auth.adminGuard(), new RequestLogReader(store.database()),
                new BodyReader(store.database())));
    }
}
