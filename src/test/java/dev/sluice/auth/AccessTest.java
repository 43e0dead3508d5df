package dev.sluice.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.MutableClock;
import dev.sluice.testing.TestGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Admin roles, key rotation and the audit log")
class AccessTest {
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    static final Map<String, String> OWNER = Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY);
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(SimOptions.defaults(), "", CLOCK);
        for (String team : new String[] {"search", "ads"}) {
            assertThat(gw.http().post("/admin/teams", "{\"id\":\"" + team + "\"}", OWNER).status()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    static Map<String, String> bearer(String secret) {
        return Map.of("authorization", "Bearer " + secret);
    }

    static String adminKey(String role, String team) {
        String body = "{\"name\":\"" + role + "\",\"role\":\"" + role + "\"" + (team == null ? "" : ",\"team\":\"" + team + "\"") + "}";
        Http.Response r = gw.http().post("/admin/admin-keys", body, OWNER);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("key").asText();
    }

    @Test
    @DisplayName("a viewer reads but cannot create, change or revoke anything")
    void viewer() {
        String viewer = adminKey("viewer", null);
        assertThat(gw.http().get("/admin/keys", bearer(viewer)).status()).isEqualTo(200);
        assertThat(gw.http().get("/admin/teams", bearer(viewer)).status()).isEqualTo(200);
        assertThat(gw.http().get("/admin/audit", bearer(viewer)).status()).isEqualTo(200);
        Http.Response create = gw.http().post("/admin/keys", "{\"name\":\"nope\"}", bearer(viewer));
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.json().path("error").path("message").asText()).contains("read-only");
        String id = gw.createKey(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("name", "x"))
                .path("id").asText();
        assertThat(gw.http().delete("/admin/keys/" + id, bearer(viewer)).status()).isEqualTo(403);
        assertThat(gw.http().post("/admin/teams", "{\"id\":\"new\"}", bearer(viewer)).status()).isEqualTo(403);
        assertThat(gw.http().post("/admin/admin-keys", "{\"name\":\"x\",\"role\":\"owner\"}", bearer(viewer)).status()).isEqualTo(403);
    }

    @Test
    @DisplayName("a team admin manages its own team's keys and name, and cannot see or touch another team")
    void teamAdmin() {
        String searchAdmin = adminKey("team_admin", "search");
        Http.Response mine = gw.http().post("/admin/keys", "{\"name\":\"search-app\"}", bearer(searchAdmin));
        assertThat(mine.status()).isEqualTo(201);
        assertThat(mine.json().path("team").asText()).as("new keys go to the admin's team").isEqualTo("search");
        Http.Response ads = gw.http().post("/admin/keys", "{\"name\":\"ads-app\",\"team\":\"ads\"}", OWNER);
        String adsId = ads.json().path("id").asText();

        assertThat(gw.http().post("/admin/keys", "{\"name\":\"sneaky\",\"team\":\"ads\"}", bearer(searchAdmin)).status()).isEqualTo(403);
        assertThat(gw.http().get("/admin/keys/" + adsId, bearer(searchAdmin)).status()).isEqualTo(403);
        assertThat(gw.http().delete("/admin/keys/" + adsId, bearer(searchAdmin)).status()).isEqualTo(403);
        assertThat(gw.http().get("/admin/keys?team=ads", bearer(searchAdmin)).status()).isEqualTo(403);
        JsonNode listed = gw.http().get("/admin/keys", bearer(searchAdmin)).json().path("data");
        assertThat(listed).isNotEmpty().allSatisfy(k -> assertThat(k.path("team").asText()).isEqualTo("search"));
        assertThat(gw.http().get("/admin/logs?team=ads", bearer(searchAdmin)).status()).isEqualTo(403);

        assertThat(gw.http().patch("/admin/teams/search", "{\"name\":\"Search\"}", bearer(searchAdmin)).status())
                .isEqualTo(200);
        assertThat(gw.http().patch("/admin/teams/ads", "{\"name\":\"Ads\"}", bearer(searchAdmin)).status())
                .isEqualTo(403);
        assertThat(gw.http().delete("/admin/teams/search", bearer(searchAdmin)).status()).isEqualTo(403);
    }

    @Test
    @DisplayName("only an owner changes a team's limits or budget, or grants route:override; a team admin gets a 403 that says so")
    void ownerOnlyQuotasAndOverride() {
        gw.createTeam("billing");
        Http.Response capped = gw.http().patch("/admin/teams/billing",
                "{\"limits\":{\"rpm\":10},\"budget\":{\"daily_usd\":1}}", OWNER);
        assertThat(capped.status()).as(capped.body()).isEqualTo(200);
        String billingAdmin = adminKey("team_admin", "billing");

        for (String raise : new String[] {"{\"budget\":{\"daily_usd\":1000}}", "{\"budget\":{\"daily_usd\":null}}",
                "{\"limits\":{\"rpm\":100000}}", "{\"name\":\"ok\",\"limits\":{\"tpm\":5}}"}) {
            Http.Response r = gw.http().patch("/admin/teams/billing", raise, bearer(billingAdmin));
            assertThat(r.status()).as(raise + " -> " + r.body()).isEqualTo(403);
            assertThat(r.json().path("error").path("message").asText()).contains("Only an owner").contains("limits");
        }
        JsonNode team = gw.http().get("/admin/teams/billing", OWNER).json();
        assertThat(team.path("budget").path("daily_usd").asDouble()).as("the owner's budget stays").isEqualTo(1.0);
        assertThat(team.path("limits").path("rpm").asInt()).isEqualTo(10);
        assertThat(gw.http().patch("/admin/teams/billing", "{\"limits\":{\"rpm\":10}}", bearer(billingAdmin)).status())
                .as("resending the owner's values changes nothing and is allowed").isEqualTo(200);

        Http.Response mint = gw.http().post("/admin/keys", "{\"name\":\"pinner\",\"scopes\":[\"route:override\"]}",
                bearer(billingAdmin));
        assertThat(mint.status()).as(mint.body()).isEqualTo(403);
        assertThat(mint.json().path("error").path("message").asText()).contains("Only an owner").contains("route:override");
        Http.Response plain = gw.http().post("/admin/keys", "{\"name\":\"plain\"}", bearer(billingAdmin));
        assertThat(plain.status()).isEqualTo(201);
        String plainId = plain.json().path("id").asText();
        Http.Response grant = gw.http().patch("/admin/keys/" + plainId, "{\"scopes\":[\"route:override\"]}", bearer(billingAdmin));
        assertThat(grant.status()).as(grant.body()).isEqualTo(403);
        assertThat(gw.http().get("/admin/keys/" + plainId, OWNER).json().path("scopes")).isEmpty();

        Http.Response ownerMinted = gw.http().post("/admin/keys",
                "{\"name\":\"pinned\",\"team\":\"billing\",\"scopes\":[\"route:override\"]}", OWNER);
        assertThat(ownerMinted.status()).as(ownerMinted.body()).isEqualTo(201);
        String pinnedId = ownerMinted.json().path("id").asText();
        assertThat(gw.http().post("/admin/keys/" + pinnedId + "/rotate", "{}", bearer(billingAdmin)).status())
                .as("rotating would hand the team admin a secret carrying route:override").isEqualTo(403);
        assertThat(gw.http().patch("/admin/keys/" + pinnedId, "{\"name\":\"renamed\"}", bearer(billingAdmin)).status())
                .as("other edits of an owner-granted key stay with the team admin").isEqualTo(200);
        assertThat(gw.http().patch("/admin/keys/" + pinnedId, "{\"scopes\":[]}", bearer(billingAdmin)).status())
                .as("dropping a scope is allowed").isEqualTo(200);
    }

    @Test
    @DisplayName("rotation: the new secret works at once, the old one until its grace period ends")
    void rotation() {
        JsonNode key = gw.createKey(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("name", "rotating"));
        String old = key.path("key").asText();
        Http.Response rotated = gw.http().post("/admin/keys/" + key.path("id").asText() + "/rotate", "{\"grace\":\"1h\"}", OWNER);
        assertThat(rotated.status()).isEqualTo(200);
        String fresh = rotated.json().path("key").asText();
        assertThat(fresh).isNotEqualTo(old).startsWith("sk-sluice-");
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(gw.http().post("/v1/chat/completions", body, bearer(fresh)).status()).isEqualTo(200);
        assertThat(gw.http().post("/v1/chat/completions", body, bearer(old)).status()).as("old secret in its grace").isEqualTo(200);
        CLOCK.advance(Duration.ofMinutes(61));
        Http.Response late = gw.http().post("/v1/chat/completions", body, bearer(old));
        assertThat(late.status()).isEqualTo(401);
        assertThat(late.json().path("error").path("code").asText()).isEqualTo("rotated_api_key");
        assertThat(gw.http().post("/v1/chat/completions", body, bearer(fresh)).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("every admin change is in the audit log: who, what, when, before and after, never a secret")
    void audit() {
        JsonNode key = gw.createKey(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("name", "audited"));
        String id = key.path("id").asText();
        gw.http().patch("/admin/keys/" + id, "{\"limits\":{\"rpm\":10}}", OWNER);
        gw.http().post("/admin/keys/" + id + "/rotate", "{\"grace\":\"0s\"}", OWNER);
        gw.http().delete("/admin/keys/" + id, OWNER);
        Http.Response audit = gw.http().get("/admin/audit?limit=100", OWNER);
        assertThat(audit.status()).isEqualTo(200);
        JsonNode entries = audit.json().path("data");
        java.util.List<JsonNode> mine = new java.util.ArrayList<>();
        entries.forEach(e -> {
            if (id.equals(e.path("target").asText())) {
                mine.add(e);
            }
        });
        assertThat(mine).extracting(e -> e.path("action").asText())
                .containsExactly("key.revoke", "key.rotate", "key.update", "key.create");
        JsonNode update = mine.get(2);
        assertThat(update.path("actor").asText()).isEqualTo("config-owner");
        assertThat(update.path("role").asText()).isEqualTo("owner");
        assertThat(update.path("before").path("limits").path("rpm").isNull()).isTrue();
        assertThat(update.path("after").path("limits").path("rpm").asInt()).isEqualTo(10);
        assertThat(update.path("ts").asText()).isNotBlank();
        assertThat(audit.body()).doesNotContain(key.path("key").asText());
        assertThat(mine.get(0).path("after").path("status").asText()).isEqualTo("revoked");
    }
}
