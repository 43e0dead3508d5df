package dev.sluice.admin;

import dev.sluice.server.Endpoints;
import dev.sluice.server.Routes;
import dev.sluice.api.Json;
import dev.sluice.auth.TeamService;
import dev.sluice.config.Quota;
import dev.sluice.store.TeamRow;
import java.util.List;

/**
 * {@code /admin/teams}: owners create and delete teams and set their limits and budgets; a team admin edits
 * its own team's name and metadata.
 */
public final class TeamsAdmin implements Endpoints {
    private final AdminGuard guard;
    private final TeamService teams;

    public TeamsAdmin(AdminGuard guard, TeamService teams) {
        this.guard = guard;
        this.teams = teams;
    }

    @Override
    public void register(Routes routes) {
        guard.on(routes)
                .post("/admin/teams", this::create)
                .get("/admin/teams", this::list)
                .get("/admin/teams/{id}", this::get)
                .patch("/admin/teams/{id}", this::update)
                .delete("/admin/teams/{id}", this::delete);
    }

    private void create(AdminGuard.Call call) {
        call.who.requireOwner("create teams");
        AdminBody body = call.body();
        TeamRow team = teams.create(body.text("id"), body.text("name"), body.quota(Quota.NONE), body.metadata());
        call.audit("team.create", team.id(), team.id(), null, AdminJson.teamState(team));
        call.send(201, Json.write(gen -> AdminJson.team(gen, team)));
    }

    private void list(AdminGuard.Call call) {
        List<TeamRow> all = call.who.team() == null ? teams.list()
                : teams.find(call.who.team()).map(List::of).orElse(List.of());
        call.send(200, AdminJson.list(all, AdminJson::team));
    }

    private void get(AdminGuard.Call call) {
        TeamRow team = teams.require(call.path("id"));
        call.who.requireRead(team.id(), "team " + team.id());
        call.send(200, Json.write(gen -> AdminJson.team(gen, team)));
    }

    private void update(AdminGuard.Call call) {
        TeamRow team = teams.require(call.path("id"));
        call.who.requireWrite(team.id(), "edit team " + team.id());
        AdminBody body = call.body();
        Quota quota = body.quota(team.quota());
        if (!quota.equals(team.quota())) {
            // The owner's limits and budget are what cap a team; the team's own admin must not lift them.
            call.who.requireOwner("change a team's limits or budget");
        }
        TeamRow edited = teams.update(new TeamRow(team.id(), body.has("name") ? body.text("name") : team.name(),
                body.has("metadata") ? body.metadata() : team.metadata(), quota, team.createdAt()));
        call.audit("team.update", team.id(), team.id(), AdminJson.teamState(team), AdminJson.teamState(edited));
        call.send(200, Json.write(gen -> AdminJson.team(gen, edited)));
    }

    private void delete(AdminGuard.Call call) {
        call.who.requireOwner("delete teams");
        TeamRow team = teams.require(call.path("id"));
        teams.delete(team.id());
        call.audit("team.delete", team.id(), team.id(), AdminJson.teamState(team), null);
        call.send(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("id", team.id());
            gen.writeBooleanField("deleted", true);
            gen.writeEndObject();
        }));
    }
}
