package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An answer's bytes pass for the gateway's own writing only when they are exactly that")
class CanonicalAnswerTest {
    private static final String CHARS = "abcXYZ019 .,:{}[]/\u007f\"\\\n\r\t\b\f\u0000\u0001\u001f\u00e9\u00ff\u0100\u07ff\u0800"
            + "\u65e5\uffff\u2028";

    private static String text(Random rnd, boolean loneSurrogates) {
        int n = rnd.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(10);
            if (kind == 0) {
                sb.appendCodePoint(0x1F600 + rnd.nextInt(80)); // a surrogate pair
            } else if (kind == 1 && loneSurrogates) {
                sb.append((char) (0xD800 + rnd.nextInt(0x800)));
            } else {
                sb.append(CHARS.charAt(rnd.nextInt(CHARS.length())));
            }
        }
        return sb.toString();
    }

    private static ChatResponse answer(Random rnd, boolean loneSurrogates) {
        List<Choice> choices = new ArrayList<>();
        int n = rnd.nextInt(3);
        for (int c = 0; c < n; c++) {
            ObjectNode extra = null;
            if (rnd.nextInt(3) == 0) {
                extra = Json.object();
                if (rnd.nextBoolean()) {
                    extra.putNull("refusal");
                } else {
                    extra.put("refusal", text(rnd, loneSurrogates));
                }
                if (rnd.nextInt(4) == 0) {
                    extra.putArray("annotations");
                }
            }
            List<ToolCall> calls = rnd.nextInt(4) == 0
                    ? List.of(new ToolCall(rnd.nextBoolean() ? "call_1" : null, text(rnd, loneSurrogates), "{\"a\":1}"))
                    : List.of();
            JsonNode content = switch (rnd.nextInt(5)) {
                case 0 -> null;
                case 1 -> Json.array().add(Json.object().put("type", "text").put("text", "x"));
                default -> TextNode.valueOf(text(rnd, loneSurrogates));
            };
            ChatMessage m = new ChatMessage(rnd.nextBoolean() ? "assistant" : text(rnd, loneSurrogates), content,
                    rnd.nextInt(5) == 0 ? "bob" : null, calls, rnd.nextInt(6) == 0 ? "t1" : null, extra);
            choices.add(new Choice(rnd.nextInt(4) == 0 ? rnd.nextInt(1000) : c, m,
                    rnd.nextInt(4) == 0 ? null : "stop", rnd.nextInt(8) == 0 ? Json.object().putArray("content") : null));
        }
        Usage usage = rnd.nextInt(4) == 0 ? null : new Usage(rnd.nextInt(100000), rnd.nextInt(10), rnd.nextInt(), 
                rnd.nextInt(3) == 0 ? rnd.nextInt(50) : 0, rnd.nextInt(3) == 0 ? rnd.nextInt(50) : 0);
        ObjectNode extra = rnd.nextInt(6) == 0 ? Json.object().put("service_tier", "default") : null;
        long created = switch (rnd.nextInt(3)) {
            case 0 -> rnd.nextInt(10);
            case 1 -> -rnd.nextInt(1000);
            default -> rnd.nextLong();
        };
        return new ChatResponse(text(rnd, loneSurrogates), created, text(rnd, loneSurrogates), choices, usage,
                rnd.nextBoolean() ? null : text(rnd, loneSurrogates), extra);
    }

    private static ChatResponse read(byte[] wire) throws IOException {
        try (JsonParser p = Json.FACTORY.createParser(wire)) {
            return ChatResponseCodec.readResponse(p);
        }
    }

    /** The property: a match means the client gets the very bytes the gateway would have written. */
    private static void checkSound(byte[] wire) throws IOException {
        ChatResponse parsed;
        try {
            parsed = read(wire);
        } catch (IOException e) {
            return; // not JSON any more: the provider reports it as malformed before any check
        }
        if (parsed == null) {
            return;
        }
        int length = CanonicalAnswer.length(wire, parsed);
        if (length >= 0) {
            assertThat(Arrays.copyOf(wire, length)).as(new String(wire, StandardCharsets.UTF_8))
                    .isEqualTo(ChatResponseCodec.writeResponse(parsed));
        }
    }

    @Test
    @DisplayName("whatever the gateway writes matches itself (no lone surrogates), and every match is the gateway's writing")
    void writtenAnswersMatch() throws IOException {
        Random rnd = new Random(15);
        int matched = 0;
        for (int i = 0; i < 20_000; i++) {
            ChatResponse r = answer(rnd, false);
            byte[] wire = ChatResponseCodec.writeResponse(r);
            ChatResponse parsed = read(wire);
            boolean followed = parsed.extra() == null && parsed.choices().stream().allMatch(c -> c.logprobs() == null
                    && (c.message().content() == null || c.message().content().isTextual())
                    && (c.message().extra() == null || c.message().extra().size() == 1 && c.message().extra().has("refusal")));
            int length = CanonicalAnswer.length(wire, parsed);
            if (followed) {
                assertThat(length).as(new String(wire, StandardCharsets.UTF_8)).isEqualTo(wire.length);
                matched++;
            }
            checkSound(wire);
        }
        assertThat(matched).isGreaterThan(5_000);
    }

    @Test
    @DisplayName("other spellings of the same answer do not match: whitespace, escaped non-ASCII, other field order, edits")
    void otherSpellingsDoNot() throws IOException {
        Random rnd = new Random(16);
        for (int i = 0; i < 5_000; i++) {
            ChatResponse r = answer(rnd, i % 2 == 0);
            byte[] wire;
            try {
                wire = ChatResponseCodec.writeResponse(r);
            } catch (RuntimeException e) {
                continue; // a lone surrogate the generator refuses
            }
            checkSound(wire);
            JsonNode tree = Json.MAPPER.readTree(wire);
            checkSound(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree));
            checkSound(escapedNonAscii(tree));
            checkSound((new String(wire, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
            for (int k = 0; k < 5; k++) {
                byte[] edited = wire.clone();
                edited[rnd.nextInt(edited.length)] = (byte) CHARS.charAt(rnd.nextInt(CHARS.length()));
                checkSound(edited);
            }
            if (tree instanceof ObjectNode o && o.has("model")) {
                JsonNode model = o.remove("model");
                o.set("model", model); // last instead of fourth
                checkSound(Json.MAPPER.writeValueAsBytes(o));
            }
        }
        // a repeated field: the reader keeps the last one, the bytes must not pass for it (the same length on purpose)
        String written = new String(ChatResponseCodec.writeResponse(new ChatResponse("abcd", 1, "m", List.of(), null, null,
                null)), StandardCharsets.UTF_8);
        for (String twice : List.of(written.replace("{\"id\":\"abcd\"", "{\"id\":\"zzzz\",\"id\":\"abcd\""),
                written.replace("\"model\":\"m\"", "\"model\":\"x\",\"model\":\"m\""))) {
            byte[] bytes = twice.getBytes(StandardCharsets.UTF_8);
            assertThat(CanonicalAnswer.length(bytes, read(bytes))).as(twice).isEqualTo(-1);
        }

        // a trailing newline is allowed, and left out of what is sent
        ChatResponse plain = new ChatResponse("id", 1, "m", List.of(new Choice(0, ChatMessage.of("assistant", "hi"), "stop",
                null)), Usage.of(1, 2), null, null);
        byte[] wire = ChatResponseCodec.writeResponse(plain);
        byte[] withNewline = Arrays.copyOf(wire, wire.length + 1);
        withNewline[wire.length] = '\n';
        assertThat(CanonicalAnswer.length(withNewline, read(withNewline))).isEqualTo(wire.length);
        assertThat(CanonicalAnswer.length(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(Json.MAPPER.readTree(wire)),
                plain)).isEqualTo(-1);
    }

    private static byte[] escapedNonAscii(JsonNode tree) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = Json.FACTORY.createGenerator(out)) {
            gen.enable(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature());
            Json.MAPPER.writeTree(gen, tree);
        }
        return out.toByteArray();
    }
}
