package dev.sluice.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.sluice.api.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether an answer is what the request's {@code response_format} asked for: a JSON object for
 * {@code json_object}, an instance of the schema for {@code json_schema} (networknt's validator,
 * draft 2020-12 unless the schema names another dialect). Used by the output guardrail and by
 * the router's quality fallback. Compiled schemas are cached by their text (bounded), since
 * applications send the same schema on every call.
 */
public final class ResponseFormatCheck {
    private static final int MAX_ERRORS = 10;
    /** Made on the first json_schema answer checked, not at start-up (~200 classes most gateways never need). */
    private volatile SchemaRegistry registry;
    private final Cache<String, Schema> schemas = Caffeine.newBuilder().maximumSize(256).build();

    private SchemaRegistry registry() {
        SchemaRegistry r = registry;
        if (r == null) {
            synchronized (this) {
                r = registry;
                if (r == null) {
                    r = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
                    registry = r;
                }
            }
        }
        return r;
    }

    /** Whether the format asks for JSON at all ({@code json_object} or {@code json_schema}). */
    public static boolean asksForJson(JsonNode responseFormat) {
        String type = responseFormat == null ? "text" : responseFormat.path("type").asText("text");
        return type.equals("json_object") || type.equals("json_schema");
    }

    /**
     * What is wrong with the answer (at most ten messages; the first starts with "not JSON" when it
     * does not parse as an object); empty when it is valid or no JSON was asked for.
     */
    public List<String> errors(String text, JsonNode responseFormat) {
        if (!asksForJson(responseFormat)) {
            return List.of();
        }
        JsonNode value;
        try {
            value = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return List.of("not JSON: " + e.getOriginalMessage());
        }
        if (value == null || !value.isObject()) {
            return List.of("not JSON: the answer must be a JSON object");
        }
        JsonNode schemaNode = responseFormat.path("json_schema").path("schema");
        if (!responseFormat.path("type").asText().equals("json_schema") || !schemaNode.isObject()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Error e : schemas.get(schemaNode.toString(), key -> registry().getSchema(schemaNode)).validate(value)) {
            out.add(e.toString());
            if (out.size() == MAX_ERRORS) {
                break;
            }
        }
        return out;
    }
}
