package dev.sluice.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.config.Durations;
import dev.sluice.config.Quota;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A validated view of an admin request's JSON body; every bad field is a 400 naming it. */
final class AdminBody {
    private final JsonNode body;

    private AdminBody(JsonNode body) {
        this.body = body;
    }

    static AdminBody parse(byte[] bytes) {
        JsonNode body = bytes.length == 0 ? Json.object() : Json.parse(bytes);
        if (!body.isObject()) {
            throw SluiceException.invalidRequest(null, "The request body must be a JSON object.");
        }
        return new AdminBody(body);
    }

    /** The raw JSON of a field, or null when absent or null. */
    JsonNode node(String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v;
    }

    /** The whole body, for endpoints that store a document as it is (an evaluation run). */
    JsonNode node() {
        return body;
    }

    boolean has(String field) {
        JsonNode v = body.get(field);
        return v != null && !v.isNull();
    }

    String text(String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw SluiceException.invalidType(field, "a string");
        }
        return v.asText();
    }

    List<String> strings(String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw SluiceException.invalidType(field, "an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw SluiceException.invalidType(field, "an array of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    Duration duration(String field) {
        String text = text(field);
        if (text == null) {
            return null;
        }
        Duration d = Durations.parse(text);
        if (d == null || d.isNegative()) {
            throw SluiceException.invalidRequest(field, "'" + field + "' must be a duration like 30m, 12h or 30d.");
        }
        return d;
    }

    Instant instant(String field) {
        String text = text(field);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw SluiceException.invalidRequest(field, "'" + field + "' must be an ISO-8601 instant like 2027-01-31T00:00:00Z.");
        }
    }

    Map<String, String> metadata() {
        JsonNode v = body.get("metadata");
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw SluiceException.invalidType("metadata", "an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw SluiceException.invalidType("metadata." + e.getKey(), "a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /**
     * Limits and budgets: {@code "limits": {"rpm", "tpm", "concurrency"}} and
     * {@code "budget": {"daily_usd", "monthly_usd"}}; fields left out keep {@code current}'s value,
     * an explicit null clears it.
     */
    Quota quota(Quota current) {
        JsonNode limits = object("limits");
        JsonNode budget = object("budget");
        return new Quota(positiveInt(limits, "rpm", current.rpm()), positiveInt(limits, "tpm", current.tpm()),
                positiveInt(limits, "concurrency", current.concurrency()),
                usd(budget, "daily_usd", current.dailyUsd()), usd(budget, "monthly_usd", current.monthlyUsd()));
    }

    private JsonNode object(String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Json.object();
        }
        if (!v.isObject()) {
            throw SluiceException.invalidType(field, "an object");
        }
        return v;
    }

    private static Integer positiveInt(JsonNode parent, String field, Integer current) {
        if (!parent.has(field)) {
            return current;
        }
        JsonNode v = parent.get(field);
        if (v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
            throw SluiceException.invalidType("limits." + field, "a positive integer");
        }
        return v.asInt();
    }

    private static Double usd(JsonNode parent, String field, Double current) {
        if (!parent.has(field)) {
            return current;
        }
        JsonNode v = parent.get(field);
        if (v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.asDouble() < 0) {
            throw SluiceException.invalidType("budget." + field, "a non-negative amount in USD");
        }
        return v.asDouble();
    }
}
