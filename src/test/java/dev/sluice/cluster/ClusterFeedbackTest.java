package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.Services;
import dev.sluice.testing.TestGateway;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Feedback sent to another node than the one that answered. The records go through a JetStream
 * stream that nobody consumes in this test, so the request is never in the store: only the
 * recent-requests index shared through Redis can find it.
 */
@DisplayName("Feedback across nodes: the recent-requests index is shared through Redis, and erased on any node")
class ClusterFeedbackTest {
    @Test
    @DisplayName("node A answers, node B takes the feedback before the request is stored; erasing the user on B forgets it")
    void feedbackOnAnotherNode() throws Exception {
        String pg = Services.postgres();
        String stream = "SLUICE_T" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE).toUpperCase();
        String yaml = """
                store:
                  url: "%s"
                  spill_dir: "%s"
                  buffer: {type: jetstream, url: %s, stream: %s, consume: false}
                redis:
                  url: %s
                  timeout: 5s
                """;
        try (TestGateway a = TestGateway.start(SimOptions.defaults(), yaml.formatted(pg, Files.createTempDirectory("spill-a"),
                Services.nats(), stream, Services.redis()), Clock.systemUTC());
             TestGateway b = TestGateway.start(SimOptions.defaults(), yaml.formatted(pg, Files.createTempDirectory("spill-b"),
                     Services.nats(), stream, Services.redis()), Clock.systemUTC())) {
            String key = a.createKey("feedback");
            String user = "alice-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
            Http.Response answered = a.http().post("/v1/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    Http.bearer(key));
            assertThat(answered.status()).isEqualTo(200);
            String id = answered.header("x-request-id");

            Http.Response unknown = b.http().post("/v1/feedback", "{\"request_id\":\"req_nobody_answered\",\"value\":\"up\"}",
                    Http.bearer(key));
            assertThat(unknown.status()).as("an id no node answered").isEqualTo(404);
            Http.Response rated = b.http().post("/v1/feedback", "{\"request_id\":\"" + id + "\",\"value\":\"up\"}",
                    Http.bearer(key));
            assertThat(rated.status()).as(rated.body()).isBetween(200, 201);

            Http.Response erased = b.http().delete("/admin/users/" + user, Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY));
            assertThat(erased.status()).as(erased.body()).isEqualTo(200);
            Http.Response after = b.http().post("/v1/feedback", "{\"request_id\":\"" + id + "\",\"value\":\"down\"}",
                    Http.bearer(key));
            assertThat(after.status()).as("the erased user's request is gone from the shared index").isEqualTo(404);
        } finally {
            try (Connection nc = Nats.connect(Services.nats())) {
                nc.jetStreamManagement().deleteStream(stream);
            } catch (Exception e) {
                // never created
            }
        }
    }
}
