package dev.sluice.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON configuration of Sluice. Thread-safe; build once, share everywhere. */
public final class Json {
    public static final ObjectMapper MAPPER = createMapper();
    public static final JsonFactory FACTORY = MAPPER.getFactory();
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    private static ObjectMapper createMapper() {
        JsonFactory factory = JsonFactory.builder()
                // request size is bounded by the server; nesting stays bounded here
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
                // Jackson's default pool of read/write buffers is per thread, and every request runs on a
                // new virtual thread: each parse and each write allocated fresh 8 KB buffers. One shared,
                // bounded pool (at most 128 idle sets of ~20 KB) reuses them across requests (bench/README.md,
                // "Profiles").
                .recyclerPool(JsonRecyclerPools.newBoundedPool(128))
                .build();
        return new ObjectMapper(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Parses bytes to a tree; malformed JSON becomes a 400 naming the position. */
    public static JsonNode parse(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw SluiceException.invalidRequest(null, "The request body is empty; send a JSON object.");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw SluiceException.invalidRequest(null, "The request body is not valid JSON: " + e.getOriginalMessage()
                    + locationOf(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses an upstream's bytes; failures are the upstream's fault, not the client's. */
    public static JsonNode parseUpstream(byte[] body) throws JsonProcessingException {
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A parser of {@code body} that leaves it open when closed (the caller reads it to its end). */
    public static com.fasterxml.jackson.core.JsonParser parser(java.io.InputStream body) throws IOException {
        com.fasterxml.jackson.core.JsonParser p = FACTORY.createParser(body);
        p.disable(com.fasterxml.jackson.core.JsonParser.Feature.AUTO_CLOSE_SOURCE);
        return p;
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static String string(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Writes with a streaming generator: no reflection, no intermediate tree. */
    public static byte[] write(Writer writer) {
        // into Jackson's pooled byte blocks, as writeValueAsBytes does: no ByteArrayOutputStream growth
        BufferRecycler recycler = FACTORY._getBufferRecycler();
        try (ByteArrayBuilder out = new ByteArrayBuilder(recycler)) {
            try (JsonGenerator gen = FACTORY.createGenerator(out)) {
                writer.write(gen);
            }
            return out.getClearAndRelease();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            recycler.releaseToPool();
        }
    }

    /** Writes with a streaming generator straight to {@code out} (flushed, not closed): nothing is built in memory. */
    public static void write(java.io.OutputStream out, Writer writer) throws IOException {
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            writer.write(gen);
        }
    }

    /**
     * {@code gen.writeTree(node)}, with the scalars a message holds (a string content, a null, a boolean) written
     * directly: {@code writeTree} goes through {@code ObjectMapper.writeValue}, which makes a serializer provider
     * and looks up the node's serializer on every call, to write the same bytes.
     */
    public static void writeNode(JsonGenerator gen, JsonNode node) throws IOException {
        if (node.isTextual()) {
            gen.writeString(node.textValue());
        } else if (node.isNull()) {
            gen.writeNull();
        } else if (node.isBoolean()) {
            gen.writeBoolean(node.booleanValue());
        } else {
            gen.writeTree(node);
        }
    }

    /** Writes {@code field} only when {@code value} is present (integers as integers, the rest as doubles). */
    public static void optionalNumber(JsonGenerator gen, String field, Number value) throws IOException {
        switch (value) {
            case null -> { }
            case Integer i -> gen.writeNumberField(field, i);
            case Long l -> gen.writeNumberField(field, l);
            default -> gen.writeNumberField(field, value.doubleValue());
        }
    }

    /** Writes {@code field} as an array of strings. */
    public static void stringArray(JsonGenerator gen, String field, java.util.List<String> values) throws IOException {
        gen.writeArrayFieldStart(field);
        for (String v : values) {
            gen.writeString(v);
        }
        gen.writeEndArray();
    }

    /** A piece of code that writes one JSON value to a generator. */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator gen) throws IOException;
    }

    private static String locationOf(JsonProcessingException e) {
        var loc = e.getLocation();
        if (loc == null || loc.getLineNr() < 0) {
            return "";
        }
        return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }
}
