import dev.sluice.api.*;
import com.fasterxml.jackson.core.JsonParser;
import java.lang.management.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;

/**
 * Thread CPU ns per op (not wall time: the machine is shared) of a plain chat request's codec work, rewritten (parse the
 * request, write the upstream's, parse the answer from a stream, write the reply) against passed through (parse the
 * request keeping its bytes, parse the answer from its bytes, CanonicalAnswer), alternated in one JVM, 14 rounds of
 * 100,000 (bench/README.md, Session 10). With "both" the jar must have the pass-through (session 10 or later).
 *
 * <pre>
 * curl -s -XPOST localhost:SIM/v1/chat/completions -H 'content-type: application/json' -H 'x-sim-tokens: 48' \
 *   -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Summarise the benefits of an LLM gateway in two sentences."}],"temperature":0}' > answer.json
 * java -XX:+UseSerialGC -cp target/sluice.jar bench/scripts/CpuOp.java answer.json both
 * </pre>
 */
public class CpuOp {
    static byte[] request, response;
    static int rewrite() throws Exception {
        ChatRequest r = ChatRequestCodec.read(request);
        int size = ChatRequestCodec.write(r).length;
        ChatResponse answer;
        try (JsonParser p = Json.parser(new java.io.ByteArrayInputStream(response))) { answer = ChatResponseCodec.readResponse(p); }
        return size + ChatResponseCodec.writeResponse(answer).length;
    }
    static int passThrough() throws Exception {
        ChatRequestCodec.Read read = ChatRequestCodec.readForwarding(request);
        if (!read.forwardable()) throw new IllegalStateException();
        ChatResponse answer;
        try (JsonParser p = Json.FACTORY.createParser(response)) { answer = ChatResponseCodec.readResponse(p); }
        int length = CanonicalAnswer.length(response, answer);
        if (length != response.length) throw new IllegalStateException();
        return request.length + length;
    }
    public static void main(String[] a) throws Exception {
        request = ("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Summarise the benefits of an LLM gateway in two sentences.\"}],\"temperature\":0}").getBytes(StandardCharsets.UTF_8);
        response = Files.readAllBytes(Path.of(a[0]));
        boolean both = a.length > 1 && a[1].equals("both");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int n = 100_000; long sink = 0;
        for (int round = 0; round < 14; round++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) sink += rewrite();
            long t1 = mx.getCurrentThreadCpuTime();
            String line = "round " + round + " rewrite " + (t1 - t0) / n + " ns";
            if (both) {
                long t2 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) sink += passThrough();
                long t3 = mx.getCurrentThreadCpuTime();
                line += "  passThrough " + (t3 - t2) / n + " ns";
            }
            System.out.println(line);
        }
        System.out.println(sink);
    }
}
