package dev.sluice.auth;

import dev.sluice.api.SluiceException;
import dev.sluice.config.Quota;
import dev.sluice.store.KeyRepository;
import dev.sluice.store.TeamRepository;
import dev.sluice.store.TeamRow;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Teams: the unit that owns keys, shares limits and budgets, and scopes team admins. Quotas are
 * cached for a few seconds, so the request path does not read the store; changes made on another
 * instance apply within that time.
 */
public final class TeamService {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final long CACHE_MILLIS = 5_000;

    private final TeamRepository teams;
    private final KeyRepository keys;
    private final Clock clock;
    private final Map<String, Cached> quotas = new ConcurrentHashMap<>();

    private record Cached(Quota quota, long loadedMillis) {}

    public TeamService(TeamRepository teams, KeyRepository keys, Clock clock) {
        this.teams = teams;
        this.keys = keys;
        this.clock = clock;
    }

    public TeamRow create(String id, String name, Quota quota, Map<String, String> metadata) {
        if (id == null || !ID.matcher(id).matches()) {
            throw SluiceException.invalidRequest("id", "A team 'id' is a slug: lower-case letters, digits, '-' or '_'"
                    + " (e.g. \"search\"), up to 63 characters.");
        }
        TeamRow row = new TeamRow(id, name == null || name.isBlank() ? id : name.strip(), metadata, quota, clock.millis());
        if (!teams.insert(row)) {
            throw new SluiceException(409, "invalid_request_error", "conflict", "id", "A team '" + id + "' already exists.");
        }
        return row;
    }

    public TeamRow update(TeamRow row) {
        teams.update(row);
        quotas.remove(row.id());
        return row;
    }

    public void delete(String id) {
        if (keys.countActive(id) > 0) {
            throw new SluiceException(409, "invalid_request_error", "conflict", null,
                    "Team '" + id + "' still has active keys; revoke or move them first.");
        }
        if (!teams.delete(id)) {
            throw SluiceException.notFound("There is no team '" + id + "'.");
        }
        quotas.remove(id);
    }

    public Optional<TeamRow> find(String id) {
        return teams.find(id);
    }

    public TeamRow require(String id) {
        return teams.find(id).orElseThrow(() -> SluiceException.notFound("There is no team '" + id + "'."));
    }

    public List<TeamRow> list() {
        return teams.list();
    }

    /** The team's limits and budgets, from a short-lived cache; {@link Quota#NONE} for no team. */
    public Quota quota(String team) {
        if (team == null) {
            return Quota.NONE;
        }
        Cached c = quotas.get(team);
        long now = clock.millis();
        if (c == null || now - c.loadedMillis() > CACHE_MILLIS) {
            Quota quota;
            try {
                quota = teams.find(team).map(TeamRow::quota).orElse(Quota.NONE);
            } catch (RuntimeException storeDown) {
                if (c == null) {
                    throw storeDown;
                }
                quota = c.quota(); // the store does not answer: the quota it last gave holds, asked again later
            }
            c = new Cached(quota, now);
            quotas.put(team, c);
        }
        return c.quota();
    }
}
