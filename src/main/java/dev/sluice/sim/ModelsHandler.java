package dev.sluice.sim;

import dev.sluice.server.HttpCall;
import dev.sluice.api.Json;
import java.util.List;

/**
 * {@code GET /v1/models}: OpenAI's list, or Anthropic's when the request carries
 * {@code anthropic-version} (both providers serve this path).
 */
final class ModelsHandler extends SimEndpoint {
    private static final String ANTHROPIC_VERSION = "anthropic-version";
    private static final long CREATED = 1_700_000_000L;
    private static final String CREATED_AT = "2025-01-01T00:00:00Z";

    ModelsHandler(SimContext sim, Dialect dialect) {
        super(sim, dialect);
    }

    @Override
    protected void serve(Received received, HttpCall res) {
        List<String> ids = sim.models().ids();
        boolean anthropic = received.http().header(ANTHROPIC_VERSION) != null;
        byte[] body = Json.write(gen -> {
            gen.writeStartObject();
            if (!anthropic) {
                gen.writeStringField("object", "list");
            }
            gen.writeArrayFieldStart("data");
            for (String id : ids) {
                gen.writeStartObject();
                if (anthropic) {
                    gen.writeStringField("type", "model");
                    gen.writeStringField("id", id);
                    gen.writeStringField("display_name", id);
                    gen.writeStringField("created_at", CREATED_AT);
                } else {
                    gen.writeStringField("id", id);
                    gen.writeStringField("object", "model");
                    gen.writeNumberField("created", CREATED);
                    gen.writeStringField("owned_by", "sluice-sim");
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
            if (anthropic) {
                gen.writeBooleanField("has_more", false);
                gen.writeStringField("first_id", ids.getFirst());
                gen.writeStringField("last_id", ids.getLast());
            }
            gen.writeEndObject();
        });
        Pacing.sleep(received.faults().ttft());
        res.send(200, "application/json", body);
    }
}
