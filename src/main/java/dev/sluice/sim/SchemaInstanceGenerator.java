package dev.sluice.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * Builds a plausible JSON instance of a JSON Schema, for tool arguments and {@code json_schema}
 * answers: required properties (all of them when none are required), strings from the prompt
 * where the property name suggests a place, a name or a query (else "example"), numbers 1 (moved
 * into [minimum, maximum]), booleans true, the first enum value, one array item, nested objects
 * recursively, local {@code $ref}s resolved. One instance per generated value: it tracks which
 * proper noun to use next.
 */
final class SchemaInstanceGenerator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 16;
    private static final String FALLBACK = "example";
    private static final List<String> COMBINATORS = List.of("anyOf", "oneOf", "allOf");
    private static final List<String> PLACE_OR_NAME = List.of("city", "location", "place", "country", "town",
            "region", "destination", "origin", "address", "capital", "name", "person", "company", "author",
            "title", "from", "to");
    private static final List<String> FREE_TEXT = List.of("query", "question", "prompt", "search", "text",
            "message", "content", "input", "topic", "keywords", "q");

    private final JsonNode root;
    private final PromptFacts facts;
    private int nextNoun;

    private SchemaInstanceGenerator(JsonNode root, PromptFacts facts) {
        this.root = root;
        this.facts = facts;
    }

    /** An instance of {@code schema}; an absent schema gives an empty object (a tool without parameters). */
    static JsonNode instance(JsonNode schema, PromptFacts facts) {
        if (schema == null || schema.isNull() || schema.isMissingNode()) {
            return NODES.objectNode();
        }
        return new SchemaInstanceGenerator(schema, facts).value(schema, "", 0);
    }

    private JsonNode value(JsonNode schema, String property, int depth) {
        if (depth > MAX_DEPTH || !schema.isObject()) {
            return NODES.textNode(FALLBACK); // also JSON Schema's `true` ("anything goes")
        }
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isTextual()) {
            return value(resolve(ref.asText()), property, depth + 1);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        JsonNode enumValues = schema.get("enum");
        if (enumValues != null && enumValues.isArray() && !enumValues.isEmpty()) {
            return enumValues.get(0);
        }
        for (String combinator : COMBINATORS) {
            JsonNode options = schema.get(combinator);
            if (options != null && options.isArray() && !options.isEmpty()) {
                return value(firstNonNull(options), property, depth + 1);
            }
        }
        return switch (typeOf(schema)) {
            case "object" -> object(schema, depth);
            case "array" -> array(schema, property, depth);
            case "integer" -> NODES.numberNode((long) clamp(schema, true));
            case "number" -> number(clamp(schema, false));
            case "boolean" -> NODES.booleanNode(true);
            case "null" -> NODES.nullNode();
            default -> NODES.textNode(string(schema, property));
        };
    }

    private ObjectNode object(JsonNode schema, int depth) {
        ObjectNode out = NODES.objectNode();
        JsonNode properties = schema.path("properties");
        JsonNode required = schema.get("required");
        if (required != null && required.isArray() && !required.isEmpty()) {
            for (JsonNode name : required) {
                JsonNode property = properties.get(name.asText());
                out.set(name.asText(), property == null ? NODES.textNode(FALLBACK)
                        : value(property, name.asText(), depth + 1));
            }
        } else {
            for (var e : properties.properties()) {
                out.set(e.getKey(), value(e.getValue(), e.getKey(), depth + 1));
            }
        }
        return out;
    }

    private ArrayNode array(JsonNode schema, String property, int depth) {
        ArrayNode out = NODES.arrayNode();
        JsonNode prefix = schema.get("prefixItems");
        if (prefix != null && prefix.isArray()) {
            for (JsonNode item : prefix) {
                out.add(value(item, property, depth + 1));
            }
            return out;
        }
        JsonNode items = schema.get("items");
        int count = Math.max(1, schema.path("minItems").asInt(1));
        for (int i = 0; i < count; i++) {
            out.add(items == null ? NODES.textNode(FALLBACK) : value(items, property, depth + 1));
        }
        return out;
    }

    private String string(JsonNode schema, String property) {
        String format = schema.path("format").asText("");
        String value = switch (format) {
            case "date" -> "2025-01-01";
            case "date-time" -> "2025-01-01T00:00:00Z";
            case "time" -> "12:00:00";
            case "email" -> "user@example.com";
            case "uri", "url" -> "https://example.com";
            case "uuid" -> "00000000-0000-4000-8000-000000000000";
            default -> fromPrompt(property.toLowerCase(Locale.ROOT));
        };
        int max = schema.path("maxLength").asInt(Integer.MAX_VALUE);
        return value.length() > max ? value.substring(0, Math.max(0, max)) : value;
    }

    private String fromPrompt(String property) {
        if (matches(property, FREE_TEXT) && !facts.text().isEmpty()) {
            return facts.text();
        }
        if (matches(property, PLACE_OR_NAME) && nextNoun < facts.properNouns().size()) {
            return facts.properNouns().get(nextNoun++);
        }
        return FALLBACK;
    }

    /** True when a hint is the whole name or one of its snake/kebab-case parts ("city_name"). */
    private static boolean matches(String property, List<String> hints) {
        for (String hint : hints) {
            int at = property.indexOf(hint);
            while (at >= 0) {
                int end = at + hint.length();
                boolean startOk = at == 0 || !Character.isLetter(property.charAt(at - 1));
                boolean endOk = end == property.length() || !Character.isLetter(property.charAt(end));
                if (startOk && endOk) {
                    return true;
                }
                at = property.indexOf(hint, at + 1);
            }
        }
        return false;
    }

    private static String typeOf(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual()) {
            return type.asText().toLowerCase(Locale.ROOT); // Gemini's schemas may say OBJECT, STRING...
        }
        if (type != null && type.isArray()) {
            for (JsonNode t : type) {
                if (!"null".equals(t.asText())) {
                    return t.asText();
                }
            }
            return "null";
        }
        if (schema.has("properties")) {
            return "object";
        }
        if (schema.has("items") || schema.has("prefixItems")) {
            return "array";
        }
        return "string";
    }

    private static JsonNode firstNonNull(JsonNode options) {
        for (JsonNode option : options) {
            if (!"null".equals(option.path("type").asText())) {
                return option;
            }
        }
        return options.get(0);
    }

    /** 1, moved into the schema's [minimum, maximum] (exclusive bounds step one unit inside). */
    private static double clamp(JsonNode schema, boolean integer) {
        double value = 1;
        double step = integer ? 1 : 0.5;
        if (schema.path("minimum").isNumber()) {
            value = Math.max(value, schema.get("minimum").asDouble());
        }
        if (schema.path("exclusiveMinimum").isNumber() && value <= schema.get("exclusiveMinimum").asDouble()) {
            value = schema.get("exclusiveMinimum").asDouble() + step;
        }
        if (schema.path("maximum").isNumber()) {
            value = Math.min(value, schema.get("maximum").asDouble());
        }
        if (schema.path("exclusiveMaximum").isNumber() && value >= schema.get("exclusiveMaximum").asDouble()) {
            value = schema.get("exclusiveMaximum").asDouble() - step;
        }
        return integer ? Math.ceil(value) : value;
    }

    private static JsonNode number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? NODES.numberNode((long) value)
                : NODES.numberNode(value);
    }

    /** Resolves a local reference like {@code #/$defs/Address}; anything else resolves to "anything". */
    private JsonNode resolve(String ref) {
        if (!ref.startsWith("#")) {
            return NODES.booleanNode(true);
        }
        JsonNode target = root.at(ref.substring(1));
        return target.isMissingNode() ? NODES.booleanNode(true) : target;
    }
}
