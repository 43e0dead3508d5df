package dev.sluice.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.TestGateway;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Metrics are pushed over OTLP/HTTP to a configured collector")
class OtlpExportTest {

    /** An OTLP/HTTP metrics receiver inside the test: decodes every protobuf export. */
    static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final List<ExportMetricsServiceRequest> exports = new CopyOnWriteArrayList<>();
        final List<String> contentTypes = new CopyOnWriteArrayList<>();

        Receiver() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/metrics", exchange -> {
                contentTypes.add(exchange.getRequestHeaders().getFirst("content-type"));
                exports.add(ExportMetricsServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes()));
                exchange.getResponseHeaders().add("content-type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write(new byte[0]);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/metrics";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** The metric of this name in the newest export that has it, or null. */
    static Metric latest(Receiver r, String name) {
        for (int i = r.exports.size() - 1; i >= 0; i--) {
            for (ResourceMetrics rm : r.exports.get(i).getResourceMetricsList()) {
                for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                    for (Metric m : sm.getMetricsList()) {
                        if (m.getName().equals(name)) {
                            return m;
                        }
                    }
                }
            }
        }
        return null;
    }

    static String attribute(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(kv -> kv.getKey().equals(key)).map(kv -> kv.getValue().getStringValue())
                .findFirst().orElse(null);
    }

    @Test
    @DisplayName("the same instruments as /metrics arrive at the collector: GenAI histograms and Sluice counters")
    void exportsToCollector() throws Exception {
        try (Receiver receiver = new Receiver();
             TestGateway gw = TestGateway.start(SimOptions.defaults(), """
                     metrics:
                       otlp_endpoint: "%s"
                       export_interval: 200ms
                     """.formatted(receiver.url()), Clock.systemUTC())) {
            String key = gw.createKey("otlp");
            for (int i = 0; i < 3; i++) {
                assertThat(gw.http().post("/v1/chat/completions",
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi " + i + "\"}]}",
                        Map.of("authorization", "Bearer " + key)).status()).isEqualTo(200);
            }
            Metric requests = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> latest(receiver, "sluice.requests"), m -> m != null && m.getSum().getDataPointsList()
                            .stream().mapToLong(NumberDataPoint::getAsInt).sum() >= 3);
            assertThat(requests).as("sluice.requests exported").isNotNull();
            assertThat(requests.getSum().getIsMonotonic()).isTrue();
            assertThat(requests.getSum().getDataPointsList().stream().mapToLong(NumberDataPoint::getAsInt).sum()).isEqualTo(3);
            assertThat(attribute(requests.getSum().getDataPoints(0).getAttributesList(), "model")).isEqualTo("gpt-4o-mini");

            Metric duration = latest(receiver, "gen_ai.client.operation.duration");
            assertThat(duration).isNotNull();
            assertThat(duration.getUnit()).isEqualTo("s");
            assertThat(duration.getHistogram().getDataPoints(0).getCount()).isEqualTo(3);
            assertThat(attribute(duration.getHistogram().getDataPoints(0).getAttributesList(), "gen_ai.request.model"))
                    .isEqualTo("gpt-4o-mini");
            assertThat(duration.getHistogram().getDataPoints(0).getExplicitBoundsList()).startsWith(0.01, 0.02, 0.04);
            Metric tokens = latest(receiver, "gen_ai.client.token.usage");
            assertThat(tokens).isNotNull();
            assertThat(tokens.getUnit()).isEqualTo("{token}");
            assertThat(latest(receiver, "sluice.store.queue_depth")).isNotNull();

            ResourceMetrics resource = receiver.exports.getLast().getResourceMetrics(0);
            assertThat(attribute(resource.getResource().getAttributesList(), "service.name")).isEqualTo("sluice");
            assertThat(receiver.contentTypes).allMatch(t -> t.startsWith("application/x-protobuf"));
            // /metrics is served from the same instruments
            Scrape scrape = Scrape.parse(gw.http().get("/metrics", Map.of()).body());
            assertThat(scrape.sum("sluice_requests_total")).isEqualTo(3);
        }
    }
}
