package dev.sluice.app;

import dev.sluice.admin.AccessAdmin;
import dev.sluice.admin.AdminGuard;
import dev.sluice.admin.KeysAdmin;
import dev.sluice.admin.LogsAdmin;
import dev.sluice.admin.TeamsAdmin;
import dev.sluice.admin.UsersAdmin;
import dev.sluice.store.BodyReader;
import dev.sluice.store.RequestLogReader;

/** The admin API's core: keys, teams, admin keys, the request and audit logs, and erasure of an end user. */
final class AdminModule implements Module {
    private final StoreModule store;
    private final AuthModule auth;

    AdminModule(StoreModule store, AuthModule auth) {
        this.store = store;
        this.auth = auth;
    }

    @Override
    public String name() {
        return "admin";
    }

    @Override
    public void contribute(Contributions to) {
        AdminGuard guard = auth.adminGuard();
        to.endpoints(new KeysAdmin(guard, auth.keys()));
        to.endpoints(new TeamsAdmin(guard, auth.teams()));
        to.endpoints(new AccessAdmin(guard, auth.adminKeys()));
        to.endpoints(new LogsAdmin(guard, new RequestLogReader(store.database()), new BodyReader(store.database()),
                auth.audit()));
        to.endpoints(new UsersAdmin(guard, store.erasure()));
    }
}
