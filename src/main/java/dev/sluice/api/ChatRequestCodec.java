package dev.sluice.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a client's chat completion request (validating every field Sluice understands, with
 * errors naming the field) and writes the canonical request back in OpenAI's wire format.
 */
public final class ChatRequestCodec {
    private static final Set<String> KNOWN = Set.of("model", "messages", "stream", "stream_options", "tools",
            "tool_choice", "response_format", "n", "stop", "seed", "temperature", "top_p", "max_tokens",
            "max_completion_tokens", "user", "metadata");
    /**
     * A stored prompt to render ({@code {"id", "version" | "label", "variables"}}); kept in
     * {@code extra} for the prompt stage, which removes it before the request goes upstream.
     */
    public static final String PROMPT = "prompt";
    private static final Set<String> TOOL_CHOICES = Set.of("none", "auto", "required");
    private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json_object", "json_schema");

    private ChatRequestCodec() {}

    /**
     * Reads a client's request body. The messages (most of a request) are streamed straight into
     * {@link ChatMessage}s and the other fields into a small tree, instead of parsing the whole body
     * into a tree first ({@code CodecBench.requestParse}). Whatever the streamed read does not take
     * as is (anything invalid or unusual: a bad role, a missing content, a duplicate field, malformed
     * JSON) sends the body through the tree read, so the answer and its error are the tree read's.
     */
    public static ChatRequest read(byte[] body) {
        return readForwarding(body).request();
    }

    /**
     * A client's request, and whether its body may go to an OpenAI-compatible upstream as it came instead of
     * being written again from the request ({@link #write}), when nothing changed the request and the upstream's
     * model name is the client's.
     *
     * @param forwardable the body says what {@link #write} would say, in the client's own bytes: it was read
     *                    by the streamed read with nothing re-shaped, it is not a stream (a stream's request asks
     *                    the upstream for usage), and it has no field the writer drops or changes: no
     *                    {@code stream_options}, {@code tools}, stored {@code prompt}, top-level null, {@code stop}
     *                    as a single string, nor an integer field written as anything but an integer; and it is
     *                    UTF-8 holding the request object alone (no byte-order mark, nothing after the object)
     */
    public record Read(ChatRequest request, boolean forwardable) {}

    /** {@link #read(byte[])}, telling whether the body may be forwarded as it came ({@link Read#forwardable}). */
    public static Read readForwarding(byte[] body) {
        ObjectNode root;
        List<ChatMessage> messages;
        StreamedMessages.Shape shape = new StreamedMessages.Shape();
        try {
            root = Json.object();
            messages = StreamedMessages.read(body, root, shape);
        } catch (IOException e) {
            messages = null;
            root = null;
        }
        if (messages == null) {
            return new Read(read(Json.parse(body)), false);
        }
        ChatRequest request = read(root, messages);
        return new Read(request, !shape.reshaped && !request.stream() && writtenAsItCame(root) && onlyTheObject(body, shape));
    }

    /**
     * The body is UTF-8 and holds the root object alone: it starts with its {@code '{'} (no byte-order mark) and
     * nothing but whitespace follows it (both reads ignore what follows; an upstream may not).
     */
    private static boolean onlyTheObject(byte[] body, StreamedMessages.Shape shape) {
        if (!shape.utf8 || shape.end < 0 || shape.end > body.length) {
            return false;
        }
        int i = 0;
        while (i < body.length && whitespace(body[i])) {
            i++;
        }
        if (i == body.length || body[i] != '{') {
            return false;
        }
        for (int k = (int) shape.end; k < body.length; k++) {
            if (!whitespace(body[k])) {
                return false;
            }
        }
        return true;
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static final Set<String> REWRITTEN = Set.of("stream_options", "tools", PROMPT);
    private static final Set<String> INTEGERS = Set.of("n", "seed", "max_tokens", "max_completion_tokens");

    /** The top-level fields (other than the messages) are ones {@link #write} writes back with the same value. */
    private static boolean writtenAsItCame(JsonNode root) {
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String field = e.getKey();
            JsonNode value = e.getValue();
            if (value.isNull() || REWRITTEN.contains(field) || (field.equals("stop") && !value.isArray())
                    || (INTEGERS.contains(field) && !value.isInt() && !value.isLong())) {
                return false;
            }
        }
        return true;
    }

    public static ChatRequest read(JsonNode root) {
        if (!root.isObject()) {
            throw SluiceException.invalidRequest(null, "The request body must be a JSON object.");
        }
        return read(root, null);
    }

    /** {@code streamed}: the messages, already read and validated; null to read them from {@code root}. */
    private static ChatRequest read(JsonNode root, List<ChatMessage> streamed) {
        // a stored prompt (issue 16) brings its model and its messages: the request may leave them out,
        // and the prompt stage fills them in (or answers 400 when the prompt has no model either)
        boolean storedPrompt = Fields.present(root, PROMPT) != null;
        String model = storedPrompt ? Fields.optionalString(root, "model", "") : Fields.requiredString(root, "model", "");
        if (model != null && model.isBlank()) {
            throw SluiceException.invalidRequest("model", "'model' must not be empty.");
        }
        RequestLimits.check("model", model, RequestLimits.MAX_MODEL);
        List<ChatMessage> messages = streamed != null ? streamed : readMessages(root, storedPrompt);
        checkPassedThrough(root);
        boolean stream = Boolean.TRUE.equals(Fields.optionalBoolean(root, "stream", ""));
        JsonNode streamOptions = Fields.optionalObject(root, "stream_options", "");
        boolean includeUsage = streamOptions != null
                && Boolean.TRUE.equals(Fields.optionalBoolean(streamOptions, "include_usage", "stream_options"));
        return new ChatRequest(model, messages, stream, includeUsage, readTools(root), readToolChoice(root),
                readResponseFormat(root),
                Fields.optionalInt(root, "n", "", 1, 128),
                readStop(root),
                Fields.optionalLong(root, "seed", ""),
                Fields.optionalNumber(root, "temperature", "", 0, 2),
                Fields.optionalNumber(root, "top_p", "", 0, 1),
                Fields.optionalInt(root, "max_tokens", "", 1, Integer.MAX_VALUE),
                Fields.optionalInt(root, "max_completion_tokens", "", 1, Integer.MAX_VALUE),
                RequestLimits.check("user", Fields.optionalString(root, "user", ""), RequestLimits.MAX_USER),
                readMetadata(root),
                Fields.extras(root, KNOWN));
    }

    /**
     * Sampling fields Sluice forwards as they came, checked as OpenAI's API checks them: a bad value is refused here
     * with a clear error, the same for every provider, instead of being dropped or clamped by one upstream and
     * refused by another.
     */
    private static void checkPassedThrough(JsonNode root) {
        Fields.optionalBoolean(root, "logprobs", "");
        Fields.optionalInt(root, "top_logprobs", "", 0, 20);
        Fields.optionalNumber(root, "presence_penalty", "", -2, 2);
        Fields.optionalNumber(root, "frequency_penalty", "", -2, 2);
    }

    private static List<ChatMessage> readMessages(JsonNode root, boolean storedPrompt) {
        JsonNode messagesNode = Fields.optionalArray(root, "messages", "");
        if (messagesNode == null && !storedPrompt) {
            throw SluiceException.missing("messages");
        }
        if (messagesNode == null) {
            messagesNode = Json.MAPPER.createArrayNode();
        } else if (messagesNode.isEmpty() && !storedPrompt) {
            throw SluiceException.invalidRequest("messages", "'messages' must contain at least one message.");
        }
        List<ChatMessage> messages = new ArrayList<>(messagesNode.size());
        for (int i = 0; i < messagesNode.size(); i++) {
            messages.add(MessageCodec.readRequestMessage(messagesNode.get(i), "messages[" + i + "]"));
        }
        return messages;
    }

    private static List<Tool> readTools(JsonNode root) {
        JsonNode tools = Fields.optionalArray(root, "tools", "");
        if (tools == null) {
            return List.of();
        }
        List<Tool> out = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            String path = "tools[" + i + "]";
            JsonNode tool = tools.get(i);
            if (!tool.isObject()) {
                throw SluiceException.invalidType(path, "an object");
            }
            Fields.oneOf(Fields.requiredString(tool, "type", path), Set.of("function"), path + ".type");
            JsonNode fn = Fields.optionalObject(tool, "function", path);
            if (fn == null) {
                throw SluiceException.missing(path + ".function");
            }
            String fnPath = path + ".function";
            out.add(new Tool(Fields.requiredString(fn, "name", fnPath), Fields.optionalString(fn, "description", fnPath),
                    Fields.optionalObject(fn, "parameters", fnPath), Fields.optionalBoolean(fn, "strict", fnPath)));
        }
        return out;
    }

    private static JsonNode readToolChoice(JsonNode root) {
        JsonNode choice = Fields.present(root, "tool_choice");
        if (choice == null) {
            return null;
        }
        if (choice.isTextual()) {
            Fields.oneOf(choice.asText(), TOOL_CHOICES, "tool_choice");
        } else if (choice.isObject()) {
            Fields.requiredString(choice.path("function"), "name", "tool_choice.function");
        } else {
            throw SluiceException.invalidType("tool_choice", "a string or an object");
        }
        return choice;
    }

    private static JsonNode readResponseFormat(JsonNode root) {
        JsonNode format = Fields.optionalObject(root, "response_format", "");
        if (format == null) {
            return null;
        }
        String type = Fields.oneOf(Fields.requiredString(format, "type", "response_format"), RESPONSE_FORMATS,
                "response_format.type");
        if (type.equals("json_schema")) {
            JsonNode schema = Fields.optionalObject(format, "json_schema", "response_format");
            if (schema == null) {
                throw SluiceException.missing("response_format.json_schema");
            }
            Fields.requiredString(schema, "name", "response_format.json_schema");
            Fields.optionalObject(schema, "schema", "response_format.json_schema");
        }
        return format;
    }

    private static List<String> readStop(JsonNode root) {
        JsonNode stop = Fields.present(root, "stop");
        if (stop == null) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (!stop.isArray() || stop.size() > 4) {
            throw SluiceException.invalidType("stop", "a string or an array of up to 4 strings");
        }
        List<String> out = new ArrayList<>(stop.size());
        for (JsonNode s : stop) {
            if (!s.isTextual()) {
                throw SluiceException.invalidType("stop", "a string or an array of up to 4 strings");
            }
            out.add(s.asText());
        }
        return out;
    }

    private static Map<String, String> readMetadata(JsonNode root) {
        JsonNode metadata = Fields.optionalObject(root, "metadata", "");
        if (metadata == null) {
            return Map.of();
        }
        if (metadata.size() > RequestLimits.MAX_METADATA_ENTRIES) {
            throw SluiceException.invalidRequest("metadata", "'metadata' has " + metadata.size() + " entries; at most "
                    + RequestLimits.MAX_METADATA_ENTRIES + " are allowed.");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : metadata.properties()) {
            if (!e.getValue().isTextual()) {
                throw SluiceException.invalidType("metadata." + RequestLimits.shorten(e.getKey()), "a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        RequestLimits.checkTags("metadata", out, RequestLimits.MAX_METADATA_ENTRIES);
        return out;
    }

    /** The request in OpenAI's wire format. */
    public static byte[] write(ChatRequest r) {
        return Json.write(gen -> write(gen, r, false));
    }

    /**
     * Writes the request. With {@code forceUsage}, a streaming request always asks the upstream
     * for the final usage chunk, so Sluice can account tokens even when the client did not ask.
     */
    public static void write(JsonGenerator gen, ChatRequest r, boolean forceUsage) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("model", r.model());
        gen.writeArrayFieldStart("messages");
        for (ChatMessage m : r.messages()) {
            MessageCodec.write(gen, m, false);
        }
        gen.writeEndArray();
        if (r.stream()) {
            gen.writeBooleanField("stream", true);
            if (r.includeUsage() || forceUsage) {
                gen.writeObjectFieldStart("stream_options");
                gen.writeBooleanField("include_usage", true);
                gen.writeEndObject();
            }
        }
        if (!r.tools().isEmpty()) {
            gen.writeArrayFieldStart("tools");
            for (Tool t : r.tools()) {
                gen.writeStartObject();
                gen.writeStringField("type", "function");
                gen.writeObjectFieldStart("function");
                gen.writeStringField("name", t.name());
                if (t.description() != null) {
                    gen.writeStringField("description", t.description());
                }
                if (t.parameters() != null) {
                    gen.writeFieldName("parameters");
                    gen.writeTree(t.parameters());
                }
                if (t.strict() != null) {
                    gen.writeBooleanField("strict", t.strict());
                }
                gen.writeEndObject();
                gen.writeEndObject();
            }
            gen.writeEndArray();
        }
        writeTree(gen, "tool_choice", r.toolChoice());
        writeTree(gen, "response_format", r.responseFormat());
        if (r.n() != null) {
            gen.writeNumberField("n", r.n());
        }
        if (!r.stop().isEmpty()) {
            Json.stringArray(gen, "stop", r.stop());
        }
        Json.optionalNumber(gen, "seed", r.seed());
        Json.optionalNumber(gen, "temperature", r.temperature());
        Json.optionalNumber(gen, "top_p", r.topP());
        if (r.maxTokens() != null) {
            gen.writeNumberField("max_tokens", r.maxTokens());
        }
        if (r.maxCompletionTokens() != null) {
            gen.writeNumberField("max_completion_tokens", r.maxCompletionTokens());
        }
        if (r.user() != null) {
            gen.writeStringField("user", r.user());
        }
        if (!r.metadata().isEmpty()) {
            gen.writeObjectFieldStart("metadata");
            for (Map.Entry<String, String> e : r.metadata().entrySet()) {
                gen.writeStringField(e.getKey(), e.getValue());
            }
            gen.writeEndObject();
        }
        MessageCodec.writeExtras(gen, r.extra());
        gen.writeEndObject();
    }

    private static void writeTree(JsonGenerator gen, String field, JsonNode value) throws IOException {
        if (value != null) {
            gen.writeFieldName(field);
            gen.writeTree(value);
        }
    }
}
