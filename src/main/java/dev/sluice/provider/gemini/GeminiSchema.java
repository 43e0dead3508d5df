package dev.sluice.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a JSON Schema (what OpenAI clients send as tool parameters and as
 * {@code response_format.json_schema.schema}) into the OpenAPI 3.0 subset Gemini accepts in
 * {@code functionDeclarations[].parameters} and {@code generationConfig.responseSchema}.
 *
 * <p>Gemini rejects any key outside that subset with a 400 ("Invalid JSON payload received.
 * Unknown name "additionalProperties" ... Cannot find field."), and JSON Schemas made by SDKs
 * (Pydantic, Zod) are full of them. So this is lossy by design, and the model sees a looser
 * schema than the client wrote:
 * <ul>
 *   <li>local {@code $ref}s ({@code #/$defs/X}, {@code #/definitions/X}) are inlined (recursive
 *       ones only to a fixed depth, then become a plain object);</li>
 *   <li>{@code type: [T, "null"]} becomes {@code type: T, nullable: true}; several non-null types
 *       become {@code anyOf}; {@code oneOf} becomes {@code anyOf}; {@code allOf} is merged;</li>
 *   <li>{@code const} becomes a one-value {@code enum}; enums of non-strings are dropped (Gemini's
 *       enums are strings);</li>
 *   <li>{@code format} is kept only where Gemini knows it (strings: enum, date-time; numbers:
 *       float, double, int32, int64);</li>
 *   <li>{@code required} keeps only names that are properties; empty {@code properties} are
 *       dropped (Gemini rejects an OBJECT with empty properties);</li>
 *   <li>every other key — {@code additionalProperties}, {@code $schema}, {@code $id},
 *       {@code $defs}, {@code strict}, {@code examples}, {@code not}, {@code patternProperties},
 *       {@code uniqueItems}... — is dropped.</li>
 * </ul>
 */
final class GeminiSchema {
    /** The keys of Gemini's Schema object that carry over from JSON Schema unchanged. */
    private static final Set<String> KEPT = Set.of("type", "title", "description", "nullable", "enum", "maxItems",
            "minItems", "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "default",
            "minimum", "maximum", "propertyOrdering");
    private static final Set<String> STRING_FORMATS = Set.of("enum", "date-time");
    private static final Set<String> NUMBER_FORMATS = Set.of("float", "double", "int32", "int64");
    /** How deep $refs are followed: enough for real schemas, finite for recursive ones. */
    private static final int MAX_REF_DEPTH = 8;

    private GeminiSchema() {}

    /**
     * The Gemini form of {@code schema} (a JSON Schema object; anything else gives an empty
     * object schema).
     */
    static ObjectNode convert(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            return Json.object().put("type", "object");
        }
        return convert(schema, schema, 0);
    }

    /**
     * Whether a converted parameters schema says nothing (an object without properties). Such a
     * declaration is sent without {@code parameters}: Gemini rejects an OBJECT with empty
     * properties, and a function without parameters is what it means.
     */
    static boolean isEmptyObject(ObjectNode converted) {
        return "object".equalsIgnoreCase(converted.path("type").asText()) && !converted.has("properties")
                && !converted.has("anyOf");
    }

    private static ObjectNode convert(JsonNode schema, JsonNode root, int refDepth) {
        JsonNode resolved = schema;
        int depth = refDepth;
        while (resolved.path("$ref").isTextual()) {
            if (depth >= MAX_REF_DEPTH) {
                ObjectNode stub = Json.object().put("type", "object");
                copyDescription(schema, stub);
                return stub;
            }
            JsonNode target = resolveRef(resolved.get("$ref").asText(), root);
            if (target == null) {
                ObjectNode stub = Json.object().put("type", "object");
                copyDescription(schema, stub);
                return stub;
            }
            resolved = merge(target, without(resolved, "$ref"));
            depth++;
        }
        if (resolved.path("allOf").isArray()) {
            ObjectNode merged = without(resolved, "allOf");
            for (JsonNode part : resolved.get("allOf")) {
                JsonNode p = part.path("$ref").isTextual() ? resolveRef(part.get("$ref").asText(), root) : part;
                if (p != null && p.isObject()) {
                    merged = mergeObjects(merged, p);
                }
            }
            resolved = merged;
        }
        ObjectNode out = Json.object();
        for (Map.Entry<String, JsonNode> e : resolved.properties()) {
            String key = e.getKey();
            JsonNode value = e.getValue();
            switch (key) {
                case "type" -> type(value, out);
                case "properties" -> {
                    if (value.isObject() && !value.isEmpty()) {
                        ObjectNode props = out.putObject("properties");
                        for (Map.Entry<String, JsonNode> p : value.properties()) {
                            props.set(p.getKey(), convert(p.getValue(), root, depth));
                        }
                    }
                }
                case "items" -> {
                    if (value.isObject()) {
                        out.set("items", convert(value, root, depth));
                    } else if (value.isArray() && !value.isEmpty()) { // tuple form: the first item type stands for all
                        out.set("items", convert(value.get(0), root, depth));
                    }
                }
                case "anyOf", "oneOf" -> {
                    if (value.isArray()) {
                        ArrayNode any = Json.array();
                        boolean nullable = false;
                        for (JsonNode option : value) {
                            if ("null".equals(option.path("type").asText())) {
                                nullable = true;
                            } else {
                                any.add(convert(option, root, depth));
                            }
                        }
                        if (any.size() == 1 && !out.has("anyOf")) {
                            mergeInto(out, (ObjectNode) any.get(0));
                        } else if (!any.isEmpty()) {
                            out.set("anyOf", any);
                        }
                        if (nullable) {
                            out.put("nullable", true);
                        }
                    }
                }
                case "const" -> {
                    if (value.isTextual()) {
                        out.putArray("enum").add(value.asText());
                        out.put("type", "string");
                    }
                }
                case "enum" -> {
                    if (value.isArray() && allStrings(value)) {
                        out.set("enum", value);
                    }
                }
                case "format" -> format(value, resolved.path("type"), out);
                case "required" -> {
                    // written after the loop, once the properties are known
                }
                default -> {
                    if (KEPT.contains(key)) {
                        out.set(key, value);
                    }
                }
            }
        }
        required(resolved.get("required"), out);
        return out;
    }

    /** A JSON Schema type: a name, or an array of names where "null" means nullable. */
    private static void type(JsonNode value, ObjectNode out) {
        if (value.isTextual()) {
            if (value.asText().equals("null")) {
                out.put("nullable", true);
            } else {
                out.put("type", value.asText());
            }
            return;
        }
        if (!value.isArray()) {
            return;
        }
        List<String> types = new ArrayList<>();
        for (JsonNode t : value) {
            if (t.asText().equals("null")) {
                out.put("nullable", true);
            } else if (t.isTextual()) {
                types.add(t.asText());
            }
        }
        if (types.size() == 1) {
            out.put("type", types.getFirst());
        } else if (types.size() > 1) {
            ArrayNode any = out.putArray("anyOf");
            types.forEach(t -> any.addObject().put("type", t));
        }
    }

    private static void format(JsonNode value, JsonNode type, ObjectNode out) {
        if (!value.isTextual()) {
            return;
        }
        String t = type.isTextual() ? type.asText() : "";
        if (type.isArray()) { // ["string", "null"]
            for (JsonNode name : type) {
                if (!name.asText().equals("null")) {
                    t = name.asText();
                }
            }
        }
        boolean known = switch (t) {
            case "string" -> STRING_FORMATS.contains(value.asText());
            case "number", "integer" -> NUMBER_FORMATS.contains(value.asText());
            default -> false;
        };
        if (known) {
            out.set("format", value);
        }
    }

    private static void required(JsonNode required, ObjectNode out) {
        if (required == null || !required.isArray() || !out.path("properties").isObject()) {
            return;
        }
        ArrayNode kept = Json.array();
        for (JsonNode name : required) {
            if (name.isTextual() && out.get("properties").has(name.asText())) {
                kept.add(name.asText());
            }
        }
        if (!kept.isEmpty()) {
            out.set("required", kept);
        }
    }

    private static JsonNode resolveRef(String ref, JsonNode root) {
        for (String prefix : new String[] {"#/$defs/", "#/definitions/"}) {
            if (ref.startsWith(prefix)) {
                JsonNode target = root.path(prefix.substring(2, prefix.length() - 1)).get(ref.substring(prefix.length()));
                return target != null && target.isObject() ? target : null;
            }
        }
        return ref.equals("#") ? root : null;
    }

    /** {@code base} with {@code overrides}' keys on top (a $ref's siblings, such as a description, win). */
    private static JsonNode merge(JsonNode base, ObjectNode overrides) {
        ObjectNode out = ((ObjectNode) base).deepCopy();
        out.remove("$defs");
        out.remove("definitions");
        overrides.properties().forEach(e -> out.set(e.getKey(), e.getValue()));
        return out;
    }

    /** allOf's parts merged: properties and required lists are unions, other keys the last one wins. */
    private static ObjectNode mergeObjects(ObjectNode into, JsonNode part) {
        for (Map.Entry<String, JsonNode> e : part.properties()) {
            JsonNode existing = into.get(e.getKey());
            if (e.getKey().equals("properties") && existing != null && existing.isObject() && e.getValue().isObject()) {
                ((ObjectNode) existing).setAll((ObjectNode) e.getValue().deepCopy());
            } else if (e.getKey().equals("required") && existing != null && existing.isArray() && e.getValue().isArray()) {
                ((ArrayNode) existing).addAll((ArrayNode) e.getValue());
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return into;
    }

    private static void mergeInto(ObjectNode out, ObjectNode single) {
        single.properties().forEach(e -> {
            if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
    }

    private static ObjectNode without(JsonNode node, String key) {
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        copy.remove(key);
        return copy;
    }

    private static void copyDescription(JsonNode from, ObjectNode to) {
        if (from.path("description").isTextual()) {
            to.set("description", from.get("description"));
        }
    }

    private static boolean allStrings(JsonNode array) {
        for (JsonNode v : array) {
            if (!v.isTextual()) {
                return false;
            }
        }
        return true;
    }
}
