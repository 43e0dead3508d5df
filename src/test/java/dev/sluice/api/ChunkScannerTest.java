package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ChunkScanner} against the Jackson reader it stands in for: whatever it accepts, Jackson reads as the same
 * chunk, as valid JSON, one object on one line; and the events a stream usually carries it does accept.
 */
class ChunkScannerTest {

    /** Jackson's reading of an event as the OpenAI decoder does it: the chunk, and whether its bytes could be forwarded. */
    private record Read(ChatChunk chunk, boolean wire) {}

    /** Jackson's reading, or null when Jackson fails on the bytes. */
    private static Read jackson(byte[] data) {
        try (JsonParser p = Json.FACTORY.createParser(data)) {
            ChatChunk chunk = ChatResponseCodec.readChunk(p);
            boolean wire = chunk != null && p.nextToken() == null;
            for (byte b : data) {
                wire &= b != '\n' && b != '\r';
            }
            return new Read(chunk, wire);
        } catch (Exception e) {
            return null;
        }
    }

    /** What the scanner reads equals what Jackson reads; returns whether the scanner accepted the bytes. */
    private static boolean agrees(byte[] data) {
        ChatChunk scanned = new ChunkScanner().scan(data, data.length);
        if (scanned == null) {
            return false;
        }
        Read read = jackson(data);
        assertThat(read).as("Jackson fails on what the scanner accepted: %s", show(data)).isNotNull();
        assertThat(scanned).as(show(data)).isEqualTo(read.chunk());
        assertThat(read.wire()).as("accepted but not forwardable as it is: %s", show(data)).isTrue();
        return true;
    }

    private static String show(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @DisplayName("the events an OpenAI-format stream usually carries are read without Jackson, as Jackson reads them")
    @ValueSource(strings = {
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1796586307,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}",
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1796586307,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" river\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"x1Yz\"}",
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}",
            "{\"choices\":[{\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}},\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null,\"index\":0,\"logprobs\":null}],\"created\":1,\"id\":\"c\",\"model\":\"gpt-4o\",\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp\"}",
            "{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}]}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"line one\\nline \\\"two\\\" \\\\ \\/ \\t \\u00e9\\ud83d\\ude00\"}}]}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"caf\u00e9 \u65e5\u672c \ud83d\ude00 \\n caf\u00e9\"}}]}",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\u00e9t\u00e9\"}},{\"index\":1,\"delta\":{\"refusal\":\"no\"},\"finish_reason\":\"content_filter\"}]}",
            " { \"id\" : \"c\" , \"created\" : -5 , \"choices\" : [ { \"index\" : 2 , \"delta\" : { \"content\" : null , \"role\" : null } } ] }\t ",
            "{}",
            "{\"id\":null,\"model\":null,\"system_fingerprint\":null,\"choices\":[{}],\"x\":[1,-2.5e+3,0.0,true,false,null,{\"a\":[]},\"\"]}"})
    void usualEventsAreScanned(String json) {
        assertThat(agrees(bytes(json))).as("declined: %s", json).isTrue();
    }

    @ParameterizedTest
    @DisplayName("tool-call deltas, usage, errors, odd types, invalid JSON and line breaks are left to Jackson")
    @ValueSource(strings = {
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}",
            "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":3,\"total_tokens\":11}}",
            "{\"id\":\"c\",\"error\":{\"message\":\"overloaded\",\"code\":503}}",
            "{\"id\":7}", "{\"created\":\"12\"}", "{\"created\":1.5}", "{\"created\":012}", "{\"choices\":null}",
            "{\"choices\":[7]}", "{\"choices\":[{\"index\":\"1\"}]}", "{\"choices\":[{\"delta\":[]}]}",
            "{\"choices\":[{\"delta\":{\"content\":5}}]}", "{\"choices\":[{\"finish_reason\":{}}]}",
            "{\"\\u0069d\":\"c\"}", "{\"id\":\"c\"}{\"id\":\"d\"}", "{\"id\":\"c\"} x", "{\"id\":\"c\"}\n",
            "{\n\"id\":\"c\"}", "{\"id\":\"a\u0001b\"}", "{\"id\":\"c\",}", "{\"id\":\"c\"", "{\"id\":\"c", "{\"id\":tru}",
            "{\"x\":nul}", "{\"x\":-}", "{\"x\":1.}", "{\"x\":1e}", "{\"x\":01}", "{\"x\":[1,]}", "{\"x\":\"\\x\"}",
            "{\"x\":\"\\u12g4\"}", "[]", "\"x\"", "null", "", "   "})
    void othersAreDeclined(String json) {
        assertThat(new ChunkScanner().scan(bytes(json), bytes(json).length)).as(json).isNull();
    }

    @Test
    @DisplayName("malformed UTF-8 (a stray continuation byte, an overlong form, a surrogate, a cut sequence) is left to Jackson")
    void malformedUtf8IsDeclined() {
        for (byte[] bad : List.of(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xc0, (byte) 0xaf},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xe6, (byte) 0x97},
                new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xff})) {
            byte[] head = bytes("{\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"a");
            byte[] tail = bytes("b\"}}]}");
            byte[] data = new byte[head.length + bad.length + tail.length];
            System.arraycopy(head, 0, data, 0, head.length);
            System.arraycopy(bad, 0, data, head.length, bad.length);
            System.arraycopy(tail, 0, data, head.length + bad.length, tail.length);
            assertThat(new ChunkScanner().scan(data, data.length)).isNull();
        }
    }

    @Test
    @DisplayName("a stream's repeated id, model and fingerprint are read once and reused while they stay the same")
    void repeatedStringsAreReused() {
        ChunkScanner scanner = new ChunkScanner();
        byte[] a = bytes("{\"id\":\"chatcmpl-1\",\"model\":\"m\",\"system_fingerprint\":\"fp\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}");
        byte[] b = bytes("{\"id\":\"chatcmpl-1\",\"model\":\"m\",\"system_fingerprint\":\"fp\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}");
        byte[] c = bytes("{\"id\":\"chatcmpl-2\",\"model\":\"m\",\"choices\":[]}");
        ChatChunk first = scanner.scan(a, a.length);
        ChatChunk second = scanner.scan(b, b.length);
        assertThat(second.id()).isSameAs(first.id());
        assertThat(second.model()).isSameAs(first.model());
        assertThat(second.systemFingerprint()).isSameAs(first.systemFingerprint());
        assertThat(second.choices().getFirst().delta().content()).isEqualTo("b");
        ChatChunk third = scanner.scan(c, c.length);
        assertThat(third.id()).isEqualTo("chatcmpl-2");
        assertThat(third.systemFingerprint()).isNull();
    }

    @Test
    @DisplayName("only the given length is read: bytes after it (a reused buffer's old content) are not looked at")
    void readsOnlyTheLength() {
        byte[] data = bytes("{\"id\":\"c\",\"choices\":[]}GARBAGE");
        ChatChunk chunk = new ChunkScanner().scan(data, data.length - "GARBAGE".length());
        assertThat(chunk).isEqualTo(new ChatChunk("c", 0, "", List.of(), null, null));
        assertThat(new ChunkScanner().scan(data, 10)).isNull();
    }

    @Test
    @DisplayName("20,000 random chunks, and each one cut, spliced and corrupted: whatever the scanner accepts, Jackson reads the same")
    void randomChunksAgree() {
        Random random = new Random(12);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] data = bytes(chunk(random));
            if (agrees(data)) {
                accepted++;
            }
            for (int m = 0; m < 4; m++) {
                agrees(mutate(random, data));
            }
        }
        // the generator mostly writes what the scanner reads: if it declined nearly everything the test would prove nothing
        assertThat(accepted).isGreaterThan(5_000);
    }

    private static byte[] mutate(Random r, byte[] data) {
        byte[] out = data.clone();
        int at = r.nextInt(out.length);
        switch (r.nextInt(4)) {
            case 0 -> {
                return java.util.Arrays.copyOf(out, at); // cut
            }
            case 1 -> out[at] = (byte) r.nextInt(256); // any byte
            case 2 -> out[at] = (byte) "{}[],:\" \\-0.eE".charAt(r.nextInt(14)); // a structural byte
            default -> {
                byte[] spliced = new byte[out.length - 1]; // one byte dropped
                System.arraycopy(out, 0, spliced, 0, at);
                System.arraycopy(out, at + 1, spliced, at, out.length - at - 1);
                return spliced;
            }
        }
        return out;
    }

    private static final List<String> TEXTS = List.of("\"\"", "\"Hello\"", "\" river\"", "\"caf\u00e9\"", "\"\u65e5\u672c\u8a9e\"",
            "\"\ud83d\ude00 ok\"", "\"a\\nb\"", "\"q\\\"u\\\\o\\/te\"", "\"\\u00e9\\ud83d\\ude00\\u0000\"", "null", "\"stop\"",
            "\"assistant\"");

    private static String chunk(Random r) {
        StringBuilder sb = new StringBuilder("{");
        List<String> fields = List.of("id", "object", "created", "model", "system_fingerprint", "choices", "usage",
                "obfuscation", "service_tier");
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            String f = fields.get(r.nextInt(fields.size()));
            sb.append(i > 0 ? (r.nextInt(8) == 0 ? " , " : ",") : "").append('"').append(f).append("\":");
            switch (f) {
                case "created" -> sb.append(r.nextInt(10) == 0 ? "1.5" : Long.toString(r.nextLong() >>> (1 + r.nextInt(62))));
                case "choices" -> {
                    sb.append('[');
                    for (int c = r.nextInt(3); c > 0; c--) {
                        sb.append(choice(r)).append(c > 1 ? "," : "");
                    }
                    sb.append(']');
                }
                case "usage" -> sb.append(r.nextInt(4) == 0 ? "{\"prompt_tokens\":1}" : "null");
                case "obfuscation", "service_tier" -> sb.append(r.nextInt(3) == 0 ? "{\"a\":[1,2.5,{\"b\":null}]}" : TEXTS.get(r.nextInt(TEXTS.size())));
                default -> sb.append(TEXTS.get(r.nextInt(TEXTS.size())));
            }
        }
        return sb.append('}').toString();
    }

    private static String choice(Random r) {
        StringBuilder sb = new StringBuilder("{");
        List<String> fields = List.of("index", "delta", "finish_reason", "logprobs", "content_filter_results");
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            String f = fields.get(r.nextInt(fields.size()));
            sb.append(i > 0 ? "," : "").append('"').append(f).append("\":");
            switch (f) {
                case "index" -> sb.append(r.nextInt(10) == 0 ? "-3" : Integer.toString(r.nextInt(4)));
                case "delta" -> {
                    sb.append('{');
                    List<String> df = List.of("role", "content", "refusal", "x", "tool_calls");
                    int m = r.nextInt(4);
                    for (int j = 0; j < m; j++) {
                        String d = df.get(r.nextInt(r.nextInt(20) == 0 ? 5 : 4));
                        sb.append(j > 0 ? "," : "").append('"').append(d).append("\":")
                                .append(d.equals("tool_calls") ? "[{\"index\":0,\"function\":{\"arguments\":\"{\"}}]"
                                        : TEXTS.get(r.nextInt(TEXTS.size())));
                    }
                    sb.append('}');
                }
                case "content_filter_results" -> sb.append("{\"hate\":{\"filtered\":false}}");
                default -> sb.append(TEXTS.get(r.nextInt(TEXTS.size())));
            }
        }
        return sb.append('}').toString();
    }
}
