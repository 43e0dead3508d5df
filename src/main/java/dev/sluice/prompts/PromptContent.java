package dev.sluice.prompts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Fields;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a prompt version is made of, and what its content hash covers: the messages (templates),
 * the model and parameters they were written for, and the guardrail policy. The commit message,
 * author and time are not content: pushing the same content again is a no-op.
 *
 * @param model           the model name the version was written for, or null (the request must name one)
 * @param guardrailPolicy a policy name from {@code guardrails.policies}, or null
 */
public record PromptContent(List<PromptMessage> messages, String model, ModelParams params, String guardrailPolicy) {
    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
    /** Bounds a version: templates are compiled and kept in memory. */
    public static final int MAX_MESSAGES = 64;
    public static final int MAX_TEMPLATE_CHARS = 100_000;

    public PromptContent {
        messages = List.copyOf(messages);
        params = params == null ? ModelParams.NONE : params;
    }

    /** Reads the content fields of a prompt definition ({@code messages}, {@code model}, ...). */
    static PromptContent fromJson(JsonNode node, String prefix) {
        JsonNode list = Fields.optionalArray(node, "messages", prefix);
        if (list == null || list.isEmpty()) {
            throw SluiceException.invalidRequest(Fields.path(prefix, "messages"),
                    "A prompt needs at least one message (role and content).");
        }
        if (list.size() > MAX_MESSAGES) {
            throw SluiceException.invalidRequest(Fields.path(prefix, "messages"), "A prompt has at most "
                    + MAX_MESSAGES + " messages.");
        }
        List<PromptMessage> messages = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = Fields.path(prefix, "messages[" + i + "]");
            JsonNode m = list.get(i);
            if (!m.isObject()) {
                throw SluiceException.invalidType(at, "an object with role and content");
            }
            m.fieldNames().forEachRemaining(key -> {
                if (!key.equals("role") && !key.equals("content")) {
                    throw SluiceException.invalidRequest(at + "." + key, "Unknown field '" + key
                            + "' in a prompt message; a message has a role and a content.");
                }
            });
            String role = Fields.oneOf(Fields.requiredString(m, "role", at), ROLES, at + ".role");
            String content = Fields.requiredString(m, "content", at);
            if (content.length() > MAX_TEMPLATE_CHARS) {
                throw SluiceException.invalidRequest(at + ".content", "A message template has at most "
                        + MAX_TEMPLATE_CHARS + " characters.");
            }
            messages.add(new PromptMessage(role, content));
        }
        String policy = Fields.optionalString(node, "guardrail_policy", prefix);
        return new PromptContent(messages, Fields.optionalString(node, "model", prefix),
                ModelParams.fromJson(Fields.present(node, "params"), Fields.path(prefix, "params")), policy);
    }

    /** The content as JSON, keys in a fixed order, unset fields left out. */
    public ObjectNode toJson() {
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("messages");
        for (PromptMessage m : messages) {
            list.addObject().put("role", m.role()).put("content", m.content());
        }
        if (model != null) {
            out.put("model", model);
        }
        if (!params.isEmpty()) {
            out.set("params", params.toJson());
        }
        if (guardrailPolicy != null) {
            out.put("guardrail_policy", guardrailPolicy);
        }
        return out;
    }

    /** The canonical JSON (object keys sorted at every depth): equal content, equal text. */
    public String canonicalJson() {
        return Json.string(sorted(toJson()));
    }

    /** SHA-256 (hex) of the canonical JSON. */
    public String hash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalJson().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                fields.put(k, sorted(node.get(k)));
            }
            ObjectNode out = Json.object();
            fields.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = Json.array();
            node.forEach(item -> out.add(sorted(item)));
            return out;
        }
        return node;
    }
}
