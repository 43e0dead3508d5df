package dev.sluice.auth;

import dev.sluice.api.SluiceException;
import dev.sluice.store.AdminKeyRepository;
import dev.sluice.store.AdminKeyRow;
import dev.sluice.store.TeamRepository;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Keys for the admin API. The config's admin key is the bootstrap owner; owners create more keys
 * with least-privilege roles. Stored as SHA-256 like virtual keys.
 */
public final class AdminKeyService {
    private final AdminKeyRepository repository;
    private final TeamRepository teams;
    private final String configKey;
    private final Clock clock;
    private final Secrets secrets = new Secrets();

    /** @param configKey the config's admin key, or null when the admin API is off */
    public AdminKeyService(AdminKeyRepository repository, TeamRepository teams, String configKey, Clock clock) {
        this.repository = repository;
        this.teams = teams;
        this.configKey = configKey;
        this.clock = clock;
    }

    public record Created(AdminKeyRow key, String secret) {}

    public boolean enabled() {
        return configKey != null;
    }

    /** Who a bearer secret belongs to: a 403 when the admin API is off, a 401 for a wrong secret. */
    public AdminIdentity resolve(String secret) {
        if (!enabled()) {
            throw SluiceException.forbidden("admin_disabled",
                    "The admin API is off: no admin key is configured. Set auth.admin_key (e.g. ${env:SLUICE_ADMIN_KEY}).");
        }
        return authenticate(secret);
    }

    /** Who a bearer secret belongs to, or a 401. */
    public AdminIdentity authenticate(String secret) {
        if (secret == null) {
            throw SluiceException.unauthenticated("missing_admin_key",
                    "The admin API needs an admin key as 'Authorization: Bearer <admin key>'.");
        }
        if (Secrets.constantTimeEquals(secret, configKey)) {
            return new AdminIdentity(AdminIdentity.CONFIG_OWNER, Role.OWNER, null);
        }
        Optional<AdminKeyRow> row = repository.findByHash(Secrets.sha256(secret));
        if (row.isEmpty() || row.get().revokedAt() != null) {
            throw SluiceException.unauthenticated("invalid_admin_key", "The admin key is not correct.");
        }
        AdminKeyRow k = row.get();
        return new AdminIdentity(k.id(), Role.of(k.role()), k.team());
    }

    public Created create(String name, String roleName, String team) {
        if (name == null || name.isBlank()) {
            throw SluiceException.invalidRequest("name", "An admin key needs a 'name'.");
        }
        Role role = Role.of(roleName);
        if (role == null) {
            throw SluiceException.invalidRequest("role", "'role' must be owner, team_admin or viewer.");
        }
        if (role == Role.TEAM_ADMIN && team == null) {
            throw SluiceException.invalidRequest("team", "A team_admin key needs the 'team' it administers.");
        }
        if (role == Role.OWNER && team != null) {
            throw SluiceException.invalidRequest("team", "An owner key is organisation-wide; leave out 'team'.");
        }
        if (team != null && teams.find(team).isEmpty()) {
            throw SluiceException.invalidRequest("team", "There is no team '" + team + "'; create it first.");
        }
        String secret = Secrets.KEY_PREFIX + "adm-" + secrets.newKeySecret().substring(Secrets.KEY_PREFIX.length());
        AdminKeyRow row = new AdminKeyRow(secrets.newKeyId().replace("key_", "adm_"), name.strip(), Secrets.sha256(secret),
                secret.substring(secret.length() - 4), role.wire(), team, clock.millis(), null);
        repository.insert(row);
        return new Created(row, secret);
    }

    public List<AdminKeyRow> list() {
        return repository.list();
    }

    public Optional<AdminKeyRow> find(String id) {
        return repository.findById(id);
    }

    public boolean revoke(String id) {
        return repository.revoke(id, clock.millis());
    }
}
