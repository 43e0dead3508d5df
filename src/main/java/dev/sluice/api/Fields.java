package dev.sluice.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Strict, typed reads from a JSON tree for validating client requests. Every failure is a 400
 * naming the parameter by its path (e.g. {@code messages[2].role}) and the expected type.
 */
public final class Fields {
    private Fields() {}

    public static String path(String prefix, String field) {
        return prefix.isEmpty() ? field : prefix + "." + field;
    }

    public static JsonNode present(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        return value == null || value.isNull() ? null : value;
    }

    public static String requiredString(JsonNode parent, String field, String prefix) {
        String value = optionalString(parent, field, prefix);
        if (value == null) {
            throw SluiceException.missing(path(prefix, field));
        }
        return value;
    }

    public static String optionalString(JsonNode parent, String field, String prefix) {
        JsonNode value = present(parent, field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw SluiceException.invalidType(path(prefix, field), "a string");
        }
        return value.asText();
    }

    public static Boolean optionalBoolean(JsonNode parent, String field, String prefix) {
        JsonNode value = present(parent, field);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw SluiceException.invalidType(path(prefix, field), "a boolean");
        }
        return value.asBoolean();
    }

    public static Integer optionalInt(JsonNode parent, String field, String prefix, int min, int max) {
        JsonNode value = present(parent, field);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw SluiceException.invalidType(path(prefix, field), "an integer");
        }
        int v = value.asInt();
        if (v < min || v > max) {
            throw outOfRange(prefix, field, v, min, max);
        }
        return v;
    }

    private static SluiceException outOfRange(String prefix, String field, Number v, Number min, Number max) {
        return SluiceException.invalidRequest(path(prefix, field),
                "Invalid value for '" + path(prefix, field) + "': " + v + " is outside [" + min + ", " + max + "].");
    }

    public static Long optionalLong(JsonNode parent, String field, String prefix) {
        JsonNode value = present(parent, field);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw SluiceException.invalidType(path(prefix, field), "an integer");
        }
        return value.asLong();
    }

    public static Double optionalNumber(JsonNode parent, String field, String prefix, double min, double max) {
        JsonNode value = present(parent, field);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw SluiceException.invalidType(path(prefix, field), "a number");
        }
        double v = value.asDouble();
        if (v < min || v > max) {
            throw outOfRange(prefix, field, v, min, max);
        }
        return v;
    }

    public static JsonNode optionalObject(JsonNode parent, String field, String prefix) {
        JsonNode value = present(parent, field);
        if (value != null && !value.isObject()) {
            throw SluiceException.invalidType(path(prefix, field), "an object");
        }
        return value;
    }

    public static JsonNode optionalArray(JsonNode parent, String field, String prefix) {
        JsonNode value = present(parent, field);
        if (value != null && !value.isArray()) {
            throw SluiceException.invalidType(path(prefix, field), "an array");
        }
        return value;
    }

    public static String oneOf(String value, Set<String> allowed, String param) {
        if (value != null && !allowed.contains(value)) {
            throw SluiceException.invalidRequest(param, "Invalid value for '" + param + "': '" + value
                    + "'. Supported values are: " + String.join(", ", allowed.stream().sorted().toList()) + ".");
        }
        return value;
    }

    /** The fields of {@code node} not in {@code known}, or null when there are none. */
    public static ObjectNode extras(JsonNode node, Set<String> known) {
        ObjectNode extra = null;
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!known.contains(e.getKey())) {
                if (extra == null) {
                    extra = Json.object();
                }
                extra.set(e.getKey(), e.getValue());
            }
        }
        return extra;
    }
}
