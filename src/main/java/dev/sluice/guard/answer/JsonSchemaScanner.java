package dev.sluice.guard.answer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.sluice.api.Json;
import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer must be what {@code response_format} asked for: a JSON object for
 * {@code json_object}, an instance of the schema for {@code json_schema} (validated with networknt's
 * json-schema-validator, draft 2020-12 unless the schema names another dialect). Compiled schemas
 * are cached by their text, since applications send the same schema on every call.
 */
public final class JsonSchemaScanner implements Scanner {
    private static final int CACHE = 256;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final boolean reask;
    private final Map<String, Schema> schemas = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Schema> eldest) {
            return size() > CACHE;
        }
    };

    public JsonSchemaScanner(boolean reask) {
        this.reask = reask;
    }

    @Override
    public String name() {
        return "json_schema";
    }

    /** Whether one re-ask (with the validation errors) is allowed before the action applies. */
    public boolean reask() {
        return reask;
    }

    @Override
    public boolean appliesTo(ScanContext context) {
        String type = context.responseFormat() == null ? "text" : context.responseFormat().path("type").asText("text");
        return type.equals("json_object") || type.equals("json_schema");
    }

    @Override
    public boolean needsWholeText() {
        return true;
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        List<String> errors = errors(text, context);
        return errors.isEmpty() ? List.of() : List.of(Finding.whole(errors.getFirst().startsWith("not JSON")
                ? "not_json" : "schema_mismatch", 1.0));
    }

    /** What is wrong with the answer, for the re-ask message; empty when it is valid or nothing was asked. */
    public List<String> errors(String text, ScanContext context) {
        JsonNode format = context.responseFormat();
        String type = format == null ? "text" : format.path("type").asText("text");
        if (!type.equals("json_object") && !type.equals("json_schema")) {
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
        JsonNode schemaNode = format.path("json_schema").path("schema");
        if (!type.equals("json_schema") || !schemaNode.isObject()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Error e : schema(schemaNode).validate(value)) {
            out.add(e.toString());
            if (out.size() == 10) {
                break;
            }
        }
        return out;
    }

    private Schema schema(JsonNode node) {
        String key = node.toString();
        synchronized (schemas) {
            Schema s = schemas.get(key);
            if (s != null) {
                return s;
            }
        }
        Schema s = registry.getSchema(node);
        synchronized (schemas) {
            schemas.put(key, s);
        }
        return s;
    }
}
