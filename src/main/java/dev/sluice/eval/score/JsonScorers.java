package dev.sluice.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.sluice.eval.Assertion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON checks: {@code is-json} (the whole answer is JSON, valid against the value's JSON Schema when
 * one is given), {@code contains-json} (some JSON object or array inside the answer is, e.g. in a
 * fenced block), and {@code is-valid-openai-tools-call} (every tool call names an offered tool and
 * its arguments match that tool's parameter schema). Schemas are compiled once, draft 2020-12
 * unless they name another dialect.
 */
final class JsonScorers {
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final int MAX_ERRORS = 5;

    private JsonScorers() {}

    static void register(Map<String, Scorers.Factory> map) {
        map.put("is-json", a -> {
            Schema schema = schema(a);
            return (answer, ctx) -> {
                JsonNode parsed = TextScorers.parseOrNull(answer.text());
                if (parsed == null) {
                    return Score.fail("Expected the answer to be JSON" + TextScorers.excerpt(answer));
                }
                return validate(schema, parsed, "The answer is JSON");
            };
        });
        map.put("contains-json", a -> {
            Schema schema = schema(a);
            return (answer, ctx) -> {
                List<JsonNode> found = embedded(answer.text());
                if (found.isEmpty()) {
                    return Score.fail("Expected the answer to contain JSON" + TextScorers.excerpt(answer));
                }
                Score last = null;
                for (JsonNode node : found) {
                    last = validate(schema, node, "The answer contains JSON");
                    if (last.pass()) {
                        return last;
                    }
                }
                return last;
            };
        });
        map.put("is-valid-openai-tools-call", a -> JsonScorers::toolsCall);
    }

    private static Schema schema(Assertion a) {
        JsonNode value = a.value();
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            value = TextScorers.parseOrNull(value.asText());
        }
        if (value == null || !value.isObject()) {
            throw new IllegalArgumentException("the value of '" + a.label() + "' must be a JSON Schema (an object)");
        }
        try {
            return SCHEMAS.getSchema(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the value of '" + a.label() + "' is not a valid JSON Schema: " + e.getMessage());
        }
    }

    private static Score validate(Schema schema, JsonNode node, String passReason) {
        if (schema == null) {
            return Score.pass(passReason);
        }
        List<String> errors = new ArrayList<>();
        for (Error e : schema.validate(node)) {
            errors.add(e.toString());
            if (errors.size() == MAX_ERRORS) {
                break;
            }
        }
        return errors.isEmpty() ? Score.pass(passReason + " and matches the schema")
                : Score.fail("The JSON does not match the schema: " + String.join("; ", errors));
    }

    /**
     * Every JSON object or array in the text: a scan from each '{' or '[' for a parse of the
     * shortest balanced span (linear per start, and starts are bounded by the answer's length).
     */
    static List<JsonNode> embedded(String text) {
        List<JsonNode> out = new ArrayList<>();
        int i = 0;
        while (i < text.length() && out.size() < 20) {
            char c = text.charAt(i);
            if (c == '{' || c == '[') {
                int end = balancedEnd(text, i);
                if (end > 0) {
                    JsonNode node = TextScorers.parseOrNull(text.substring(i, end + 1));
                    if (node != null && node.isContainerNode()) {
                        out.add(node);
                        i = end + 1;
                        continue;
                    }
                }
            }
            i++;
        }
        return out;
    }

    private static int balancedEnd(String text, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static Score toolsCall(Answer answer, ScoreContext ctx) {
        JsonNode calls = answer.toolCalls();
        if (calls == null || !calls.isArray() || calls.isEmpty()) {
            return Score.fail("Expected tool calls, got text" + TextScorers.excerpt(answer));
        }
        if (ctx.tools() == null || !ctx.tools().isArray()) {
            return Score.fail("The request offered no tools (set tools in the provider's config)");
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode call : calls) {
            String name = call.path("function").path("name").asText();
            JsonNode tool = null;
            for (JsonNode t : ctx.tools()) {
                if (name.equals(t.path("function").path("name").asText())) {
                    tool = t;
                }
            }
            if (tool == null) {
                problems.add("'" + name + "' is not an offered tool");
                continue;
            }
            JsonNode args = TextScorers.parseOrNull(call.path("function").path("arguments").asText());
            if (args == null || !args.isObject()) {
                problems.add("the arguments of '" + name + "' are not a JSON object");
                continue;
            }
            JsonNode parameters = tool.path("function").path("parameters");
            if (parameters.isObject()) {
                for (Error e : SCHEMAS.getSchema(parameters).validate(args)) {
                    problems.add(name + ": " + e);
                }
            }
        }
        return problems.isEmpty() ? Score.pass("Every tool call matches its tool's parameters")
                : Score.fail(String.join("; ", problems));
    }
}
