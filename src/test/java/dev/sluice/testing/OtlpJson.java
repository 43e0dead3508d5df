package dev.sluice.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.util.List;
import java.util.Map;

/** OTLP/JSON export requests, as an application's SDK sends them to {@code POST /v1/traces}. */
public final class OtlpJson {
    private OtlpJson() {}

    /** One resource (this {@code service.name}) holding these spans in one scope. */
    public static ObjectNode request(String service, List<ObjectNode> spans) {
        ObjectNode body = Json.object();
        ObjectNode rs = body.putArray("resourceSpans").addObject();
        rs.putObject("resource").putArray("attributes").addObject().put("key", "service.name")
                .putObject("value").put("stringValue", service);
        ArrayNode list = rs.putArray("scopeSpans").addObject().putArray("spans");
        spans.forEach(list::add);
        return body;
    }

    /** Sends the spans with this key; the response. */
    public static Http.Response send(TestGateway gw, String key, String service, List<ObjectNode> spans) {
        return gw.http().post("/v1/traces", request(service, spans), Map.of("authorization", "Bearer " + key,
                "content-type", "application/json"));
    }
}
