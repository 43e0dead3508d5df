package dev.sluice.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes chat completions and stream chunks in OpenAI's wire format. Reads are lenient
 * (upstreams differ in what they omit); writes always produce the fields OpenAI's SDKs require.
 */
public final class ChatResponseCodec {
    private static final Set<String> KNOWN = Set.of("id", "object", "created", "model", "choices", "usage",
            "system_fingerprint");

    private ChatResponseCodec() {}

    public static ChatResponse readResponse(JsonNode root) {
        List<Choice> choices = new ArrayList<>();
        for (JsonNode c : root.path("choices")) {
            choices.add(new Choice(c.path("index").asInt(choices.size()),
                    MessageCodec.readResponseMessage(c.path("message")),
                    MessageCodec.textOrNull(c.get("finish_reason")), Fields.present(c, "logprobs")));
        }
        return new ChatResponse(root.path("id").asText(""), root.path("created").asLong(0),
                root.path("model").asText(""), choices, readUsage(root.get("usage")),
                MessageCodec.textOrNull(root.get("system_fingerprint")), Fields.extras(root, KNOWN));
    }

    /**
     * Reads a chat completion straight from a parser positioned before it, without a tree of the whole
     * answer: exactly what {@link #readResponse(JsonNode)} reads from the tree of the same bytes (same
     * defaults, same coercions, unknown fields kept in the same order, the last of a repeated field
     * winning). Strings and small integers are taken from the tokens; any other value of a known field
     * (a number out of range, an object where a string was expected, choices that are not an array...)
     * is read as a tree of just that value and goes through the tree reader's own code. Returns null when
     * the value is not an object (the caller's "not a JSON object" failure).
     */
    public static ChatResponse readResponse(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String id = "";
        long created = 0;
        String model = "";
        List<Choice> choices = List.of();
        Usage usage = null;
        String fingerprint = null;
        ObjectNode extra = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "id" -> id = Streamed.text(p, value, "");
                case "created" -> created = value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                        ? p.getLongValue() : Streamed.tree(p, value).asLong(0);
                case "model" -> model = Streamed.text(p, value, "");
                case "choices" -> choices = value == JsonToken.START_ARRAY ? readChoices(p) : treeChoices(Streamed.tree(p, value));
                case "usage" -> usage = value == JsonToken.START_OBJECT ? readUsage(p) : readUsage(Streamed.tree(p, value));
                case "system_fingerprint" -> fingerprint = Streamed.textOrNull(p, value);
                case "object" -> p.skipChildren();
                default -> {
                    if (extra == null) {
                        extra = Json.object();
                    }
                    extra.set(field, Streamed.tree(p, value));
                }
            }
        }
        return new ChatResponse(id, created, model, choices, usage, fingerprint, extra);
    }

    /** The choices of a {@code choices} value that is not an array, as the tree reader iterates it. */
    private static List<Choice> treeChoices(JsonNode choices) {
        List<Choice> out = new ArrayList<>();
        for (JsonNode c : choices) {
            out.add(treeChoice(c, out.size()));
        }
        return out;
    }

    private static Choice treeChoice(JsonNode c, int position) {
        return new Choice(c.path("index").asInt(position), MessageCodec.readResponseMessage(c.path("message")),
                MessageCodec.textOrNull(c.get("finish_reason")), Fields.present(c, "logprobs"));
    }

    private static List<Choice> readChoices(JsonParser p) throws IOException {
        List<Choice> out = new ArrayList<>(1);
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                out.add(treeChoice(Streamed.tree(p, t), out.size()));
                continue;
            }
            int index = out.size();
            ChatMessage message = null;
            String finish = null;
            JsonNode logprobs = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "index" -> index = value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                            ? p.getIntValue() : Streamed.tree(p, value).asInt(out.size());
                    case "message" -> message = value == JsonToken.START_OBJECT ? MessageCodec.readResponseMessage(p)
                            : MessageCodec.readResponseMessage(Streamed.tree(p, value));
                    case "finish_reason" -> finish = Streamed.textOrNull(p, value);
                    case "logprobs" -> {
                        JsonNode node = Streamed.tree(p, value);
                        logprobs = node.isNull() ? null : node;
                    }
                    default -> p.skipChildren();
                }
            }
            out.add(new Choice(index, message != null ? message : MessageCodec.readResponseMessage(MissingNode.getInstance()),
                    finish, logprobs));
        }
        return out;
    }

    /**
     * {@link #readUsage(JsonNode)} from a parser at the usage object's {@code START_OBJECT}: plain integers from
     * the tokens, any other value through its tree and the same coercion.
     */
    static Usage readUsage(JsonParser p) throws IOException {
        int prompt = 0;
        int completion = 0;
        JsonNode totalNode = null;
        int total = 0;
        boolean plainTotal = false;
        int cached = 0;
        int reasoning = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "prompt_tokens" -> prompt = intOr(p, value, 0);
                case "completion_tokens" -> completion = intOr(p, value, 0);
                case "total_tokens" -> {
                    // its default (prompt + completion) is known only at the end
                    plainTotal = plainInt(p, value);
                    if (plainTotal) {
                        total = p.getIntValue();
                        totalNode = null;
                    } else {
                        totalNode = Streamed.tree(p, value);
                    }
                }
                case "prompt_tokens_details" -> cached = detail(p, value, "cached_tokens");
                case "completion_tokens_details" -> reasoning = detail(p, value, "reasoning_tokens");
                default -> p.skipChildren();
            }
        }
        if (!plainTotal) {
            total = (totalNode == null ? MissingNode.getInstance() : totalNode).asInt(prompt + completion);
        }
        return new Usage(prompt, completion, total, cached, reasoning);
    }

    private static boolean plainInt(JsonParser p, JsonToken value) throws IOException {
        return value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT;
    }

    /** {@code node.asInt(otherwise)} of the current value. */
    private static int intOr(JsonParser p, JsonToken value, int otherwise) throws IOException {
        return plainInt(p, value) ? p.getIntValue() : Streamed.tree(p, value).asInt(otherwise);
    }

    /** {@code node.path(field).asInt(0)} of the current value (a details object). */
    private static int detail(JsonParser p, JsonToken value, String field) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            return Streamed.tree(p, value).path(field).asInt(0);
        }
        int n = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            boolean wanted = p.currentName().equals(field);
            JsonToken v = p.nextToken();
            if (wanted) {
                n = intOr(p, v, 0);
            } else {
                p.skipChildren();
            }
        }
        return n;
    }

    public static Usage readUsage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        int prompt = usage.path("prompt_tokens").asInt(0);
        int completion = usage.path("completion_tokens").asInt(0);
        return new Usage(prompt, completion, usage.path("total_tokens").asInt(prompt + completion),
                usage.path("prompt_tokens_details").path("cached_tokens").asInt(0),
                usage.path("completion_tokens_details").path("reasoning_tokens").asInt(0));
    }

    public static byte[] writeResponse(ChatResponse r) {
        return Json.write(gen -> writeResponse(gen, r));
    }

    public static void writeResponse(JsonGenerator gen, ChatResponse r) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("id", r.id());
        gen.writeStringField("object", "chat.completion");
        gen.writeNumberField("created", r.created());
        gen.writeStringField("model", r.model());
        gen.writeArrayFieldStart("choices");
        for (Choice c : r.choices()) {
            gen.writeStartObject();
            gen.writeNumberField("index", c.index());
            gen.writeFieldName("message");
            MessageCodec.write(gen, c.message(), true);
            gen.writeFieldName("logprobs");
            if (c.logprobs() == null) {
                gen.writeNull();
            } else {
                gen.writeTree(c.logprobs());
            }
            writeNullable(gen, "finish_reason", c.finishReason());
            gen.writeEndObject();
        }
        gen.writeEndArray();
        if (r.usage() != null) {
            gen.writeFieldName("usage");
            writeUsage(gen, r.usage());
        }
        if (r.systemFingerprint() != null) {
            gen.writeStringField("system_fingerprint", r.systemFingerprint());
        }
        MessageCodec.writeExtras(gen, r.extra());
        gen.writeEndObject();
    }

    public static void writeUsage(JsonGenerator gen, Usage u) throws IOException {
        gen.writeStartObject();
        gen.writeNumberField("prompt_tokens", u.promptTokens());
        gen.writeNumberField("completion_tokens", u.completionTokens());
        gen.writeNumberField("total_tokens", u.totalTokens());
        if (u.cachedTokens() > 0) {
            gen.writeObjectFieldStart("prompt_tokens_details");
            gen.writeNumberField("cached_tokens", u.cachedTokens());
            gen.writeEndObject();
        }
        if (u.reasoningTokens() > 0) {
            gen.writeObjectFieldStart("completion_tokens_details");
            gen.writeNumberField("reasoning_tokens", u.reasoningTokens());
            gen.writeEndObject();
        }
        gen.writeEndObject();
    }

    public static ChatChunk readChunk(JsonNode root) {
        List<ChunkChoice> choices = new ArrayList<>();
        for (JsonNode c : root.path("choices")) {
            JsonNode d = c.path("delta");
            List<ToolCallDelta> calls = new ArrayList<>();
            for (JsonNode tc : d.path("tool_calls")) {
                JsonNode fn = tc.path("function");
                calls.add(new ToolCallDelta(tc.path("index").asInt(calls.size()), MessageCodec.textOrNull(tc.get("id")),
                        MessageCodec.textOrNull(fn.get("name")), MessageCodec.textOrNull(fn.get("arguments"))));
            }
            Delta delta = new Delta(MessageCodec.textOrNull(d.get("role")), MessageCodec.textOrNull(d.get("content")),
                    calls, MessageCodec.textOrNull(d.get("refusal")));
            choices.add(new ChunkChoice(c.path("index").asInt(0), delta, MessageCodec.textOrNull(c.get("finish_reason")),
                    Fields.present(c, "logprobs")));
        }
        return new ChatChunk(root.path("id").asText(""), root.path("created").asLong(0), root.path("model").asText(""),
                choices, readUsage(root.get("usage")), MessageCodec.textOrNull(root.get("system_fingerprint")));
    }

    /**
     * Reads one {@code chat.completion.chunk} straight from a parser positioned before its object,
     * without building a tree: what {@link #readChunk(JsonNode)} reads, with the same defaults. Unknown
     * fields are skipped. Returns null when the object has a top-level {@code error} (the caller reads
     * the error from the bytes) or is not an object.
     */
    public static ChatChunk readChunk(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String id = "";
        long created = 0;
        String model = "";
        String fingerprint = null;
        Usage usage = null;
        List<ChunkChoice> choices = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "id" -> id = textOr(p, value, "");
                case "created" -> created = value.isScalarValue() ? p.getValueAsLong(0) : skip(p, 0);
                case "model" -> model = textOr(p, value, "");
                case "system_fingerprint" -> fingerprint = textOr(p, value, null);
                case "usage" -> usage = value == JsonToken.START_OBJECT ? readUsage(p) : skip(p, null);
                case "choices" -> choices = value == JsonToken.START_ARRAY ? readChunkChoices(p) : skip(p, List.of());
                case "error" -> {
                    return null;
                }
                default -> p.skipChildren();
            }
        }
        return new ChatChunk(id, created, model, choices, usage, fingerprint);
    }

    /**
     * The chunk's choices as an immutable list ({@link ChatChunk} copies any other kind): a stream's chunks
     * nearly always have one, which needs no list to grow and no copy of it.
     */
    private static List<ChunkChoice> readChunkChoices(JsonParser p) throws IOException {
        ChunkChoice first = null;
        List<ChunkChoice> more = null;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            ChunkChoice choice;
            if (t != JsonToken.START_OBJECT) {
                // asText() of a non-object choice reads as an empty one, as the tree reader does
                p.skipChildren();
                choice = new ChunkChoice(0, new Delta(null, null, List.of(), null), null);
            } else {
                int index = 0;
                Delta delta = new Delta(null, null, List.of(), null);
                String finish = null;
                JsonNode logprobs = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (field) {
                        case "index" -> index = value.isScalarValue() ? p.getValueAsInt(0) : skip(p, 0);
                        case "finish_reason" -> finish = textOr(p, value, null);
                        case "delta" -> delta = value == JsonToken.START_OBJECT ? readDelta(p) : skip(p, delta);
                        case "logprobs" -> logprobs = value == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
                        default -> p.skipChildren();
                    }
                }
                choice = new ChunkChoice(index, delta, finish, logprobs);
            }
            if (first == null) {
                first = choice;
            } else {
                if (more == null) {
                    more = new ArrayList<>(4);
                    more.add(first);
                }
                more.add(choice);
            }
        }
        return more != null ? List.copyOf(more) : first != null ? List.of(first) : List.of();
    }

    private static Delta readDelta(JsonParser p) throws IOException {
        String role = null;
        String content = null;
        String refusal = null;
        List<ToolCallDelta> calls = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "role" -> role = textOr(p, value, null);
                case "content" -> content = textOr(p, value, null);
                case "refusal" -> refusal = textOr(p, value, null);
                case "tool_calls" -> calls = value == JsonToken.START_ARRAY ? readToolCallDeltas(p) : skip(p, List.of());
                default -> p.skipChildren();
            }
        }
        return new Delta(role, content, calls, refusal);
    }

    private static List<ToolCallDelta> readToolCallDeltas(JsonParser p) throws IOException {
        List<ToolCallDelta> calls = new ArrayList<>(1);
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            int index = calls.size();
            String id = null;
            String name = null;
            String arguments = null;
            if (t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (field) {
                        case "index" -> index = value.isScalarValue() ? p.getValueAsInt(calls.size()) : skip(p, index);
                        case "id" -> id = textOr(p, value, null);
                        case "function" -> {
                            if (value == JsonToken.START_OBJECT) {
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String f = p.currentName();
                                    JsonToken v = p.nextToken();
                                    switch (f) {
                                        case "name" -> name = textOr(p, v, null);
                                        case "arguments" -> arguments = textOr(p, v, null);
                                        default -> p.skipChildren();
                                    }
                                }
                            } else {
                                p.skipChildren();
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
            calls.add(new ToolCallDelta(index, id, name, arguments));
        }
        return calls;
    }

    /** A value as {@code JsonNode.asText()} reads it: a scalar's text, "" for an object or array, {@code ifNull} for null. */
    private static String textOr(JsonParser p, JsonToken value, String ifNull) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return ifNull;
        }
        if (value.isStructStart()) {
            p.skipChildren();
            return "";
        }
        return p.getText();
    }

    private static <T> T skip(JsonParser p, T value) throws IOException {
        p.skipChildren();
        return value;
    }

    public static byte[] writeChunk(ChatChunk chunk) {
        return Json.write(gen -> writeChunk(gen, chunk));
    }

    public static void writeChunk(JsonGenerator gen, ChatChunk chunk) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("id", chunk.id());
        gen.writeStringField("object", "chat.completion.chunk");
        gen.writeNumberField("created", chunk.created());
        gen.writeStringField("model", chunk.model());
        if (chunk.systemFingerprint() != null) {
            gen.writeStringField("system_fingerprint", chunk.systemFingerprint());
        }
        gen.writeArrayFieldStart("choices");
        for (ChunkChoice c : chunk.choices()) {
            gen.writeStartObject();
            gen.writeNumberField("index", c.index());
            gen.writeObjectFieldStart("delta");
            Delta d = c.delta();
            if (d.role() != null) {
                gen.writeStringField("role", d.role());
            }
            if (d.content() != null) {
                gen.writeStringField("content", d.content());
            }
            if (d.refusal() != null) {
                gen.writeStringField("refusal", d.refusal());
            }
            if (!d.toolCalls().isEmpty()) {
                gen.writeArrayFieldStart("tool_calls");
                for (ToolCallDelta tc : d.toolCalls()) {
                    gen.writeStartObject();
                    gen.writeNumberField("index", tc.index());
                    if (tc.id() != null) {
                        gen.writeStringField("id", tc.id());
                        gen.writeStringField("type", "function");
                    }
                    gen.writeObjectFieldStart("function");
                    if (tc.name() != null) {
                        gen.writeStringField("name", tc.name());
                    }
                    if (tc.arguments() != null) {
                        gen.writeStringField("arguments", tc.arguments());
                    }
                    gen.writeEndObject();
                    gen.writeEndObject();
                }
                gen.writeEndArray();
            }
            gen.writeEndObject();
            if (c.logprobs() == null) {
                gen.writeNullField("logprobs");
            } else {
                gen.writeFieldName("logprobs");
                gen.writeTree(c.logprobs());
            }
            writeNullable(gen, "finish_reason", c.finishReason());
            gen.writeEndObject();
        }
        gen.writeEndArray();
        if (chunk.usage() != null) {
            gen.writeFieldName("usage");
            writeUsage(gen, chunk.usage());
        }
        gen.writeEndObject();
    }

    private static void writeNullable(JsonGenerator gen, String field, String value) throws IOException {
        if (value == null) {
            gen.writeNullField(field);
        } else {
            gen.writeStringField(field, value);
        }
    }
}
