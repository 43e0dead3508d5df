import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.guard.injection.TunedInjectionEncoder;
import java.io.*;
import java.nio.file.*;
import java.util.*;

/**
 * Hard-negative mining for tools/guard-tune's Train (-Dtune.hard): the shipped tuned reader's probability
 * (dev.sluice.guard.injection.TunedInjectionEncoder, as the gateway runs it) for every benign TRAIN user turn of the
 * public sets and of the authored injection-train.jsonl; one JSON line per text (score, source, text). Never reads
 * val or test rows. Run with the gateway's classes and dependencies (see ../README.md):
 *
 * <pre>java -cp ../../target/classes:$(cat gateway-cp.txt) mining/Mine.java DATA/injection.jsonl \
 *     ../../src/main/resources/dev/sluice/guard/eval/injection-train.jsonl scores.jsonl</pre>
 */
public class Mine {
    public static void main(String[] a) throws Exception {
        TunedInjectionEncoder enc = TunedInjectionEncoder.load();
        ObjectMapper json = new ObjectMapper();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(a[2])))) {
            int n = 0;
            long t0 = System.nanoTime();
            for (String f : new String[] {a[0], a[1]}) {
                boolean authored = f.equals(a[1]);
                for (String line : Files.readAllLines(Path.of(f))) {
                    JsonNode r = json.readTree(line);
                    String split = authored ? "train" : r.path("split").asText();
                    if (!split.equals("train") || r.path("channel").asText("user").equals("document")) continue;
                    if (r.path("label").asText().equals("injection")) continue;
                    String text = r.path("text").asText();
                    double p = enc.rawScore(text);
                    ObjectNodeHolder.put(out, json, text, p, authored ? "authored" : r.path("source").asText());
                    if (++n % 1000 == 0) System.err.printf("%d %.0f s%n", n, (System.nanoTime() - t0) / 1e9);
                }
            }
        }
    }
    static class ObjectNodeHolder {
        static void put(PrintWriter out, ObjectMapper json, String text, double p, String source) throws Exception {
            var o = json.createObjectNode();
            o.put("score", p); o.put("source", source); o.put("text", text);
            out.println(json.writeValueAsString(o));
        }
    }
}
