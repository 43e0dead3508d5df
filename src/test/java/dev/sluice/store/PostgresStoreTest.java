package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PostgreSQL as the store (store.url)")
class PostgresStoreTest {

    @Test
    @DisplayName("keys and the request log live in PostgreSQL, and a second gateway on the same database sees them")
    void sharedStore() {
        String url = Services.postgres();
        String yaml = "store:\n  url: \"" + url + "\"\n";
        try (TestGateway first = TestGateway.start(SimOptions.defaults(), yaml, Clock.systemUTC());
             TestGateway second = TestGateway.start(SimOptions.defaults(), yaml, Clock.systemUTC())) {
            String key = first.createKey("shared");
            Http.Response r = second.http().post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    Map.of("authorization", "Bearer " + key, "x-request-id", "pg-1"));
            assertThat(r.status()).as("a key created on one instance works on another").isEqualTo(200);
            JsonNode row = first.logs("request_id=pg-1").get(0);
            assertThat(row.path("status").asInt()).isEqualTo(200);
            assertThat(row.path("tokens_out").asInt()).isPositive();
        }
    }
}
