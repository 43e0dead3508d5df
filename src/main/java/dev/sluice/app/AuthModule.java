package dev.sluice.app;

import dev.sluice.admin.AdminGuard;
import dev.sluice.auth.AdminIdentity;
import dev.sluice.auth.AdminKeyService;
import dev.sluice.auth.AuthStage;
import dev.sluice.auth.Callers;
import dev.sluice.auth.KeyService;
import dev.sluice.auth.TeamService;
import dev.sluice.config.AuthConfig;
import dev.sluice.pipeline.Caller;
import dev.sluice.server.Guard;
import dev.sluice.store.AdminKeyRepository;
import dev.sluice.store.AuditRepository;
import dev.sluice.store.KeyRepository;
import dev.sluice.store.TeamRepository;
import java.time.Clock;

/**
 * {@code auth:}: virtual keys, teams and admin keys. Provides the guards that resolve a request's
 * caller from its bearer token (a virtual key for {@code /v1}, an admin key for {@code /admin}),
 * and the {@link Slot#AUTH} stage that checks the model and names the end user.
 */
final class AuthModule implements Module {
    private final boolean enabled;
    private final KeyService keys;
    private final TeamService teams;
    private final AdminKeyService adminKeys;
    private final AuditRepository audit;
    private final Guard<Caller> callers;
    private final AdminGuard adminGuard;

    AuthModule(AuthConfig config, String adminKey, StoreModule store, Clock clock, long maxBodyBytes) {
        this.enabled = config.enabled();
        KeyRepository keyRepository = new KeyRepository(store.database());
        TeamRepository teamRepository = new TeamRepository(store.database());
        this.keys = new KeyService(keyRepository, teamRepository, clock);
        this.teams = new TeamService(teamRepository, keyRepository, clock);
        this.adminKeys = new AdminKeyService(new AdminKeyRepository(store.database()), teamRepository, adminKey, clock);
        this.audit = new AuditRepository(store.database());
        this.callers = new Guard<>("virtual key", new Callers(keys, teams, enabled)::resolve);
        Guard<AdminIdentity> admins = new Guard<>("admin key", adminKeys::resolve);
        this.adminGuard = new AdminGuard(admins, audit, clock, maxBodyBytes);
    }

    @Override
    public String name() {
        return "auth";
    }

    @Override
    public void contribute(Contributions to) {
        to.stage(Slot.AUTH, new AuthStage());
    }

    boolean enabled() {
        return enabled;
    }

    KeyService keys() {
        return keys;
    }

    TeamService teams() {
        return teams;
    }

    AdminKeyService adminKeys() {
        return adminKeys;
    }

    AuditRepository audit() {
        return audit;
    }

    /** Resolves the virtual key of a {@code /v1} request (anonymous when auth is off). */
    Guard<Caller> callers() {
        return callers;
    }

    /** The front door of admin endpoints: the admin key, audit and body limit. */
    AdminGuard adminGuard() {
        return adminGuard;
    }
}
