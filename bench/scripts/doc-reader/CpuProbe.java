import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.guard.injection.*;
import dev.sluice.guard.ngram.LinearTextModel;
import java.lang.management.ManagementFactory;
import java.nio.file.*;
import java.util.*;

/**
 * Session 18 (bench/README.md): thread CPU of the documents' cascade (shipped settings, int8, the reader loaded lazily as
 * the gateway builds it) per in-band bench document, each document read as a new text (no cache hit).
 * <pre>java -XX:+UseSerialGC -cp target/sluice.jar bench/scripts/doc-reader/CpuProbe.java docs.jsonl ROUNDS [label]</pre>
 * docs.jsonl: DocPick.java's output. Alternate two jars under the bench lock to compare builds.
 */
public class CpuProbe {
    public static void main(String[] a) throws Exception {
        LinearTextModel doc = InjectionModel.loadTunedDocuments();
        InjectionCascade c = InjectionCascade.loadTunedDocuments(doc, () -> TunedInjectionEncoder.loadDocuments(TunedInjectionEncoder.Precision.INT8));
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<String> docs = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(a[0]))) {
            JsonNode d = Json.MAPPER.readTree(line);
            if (d.get("in_band").asBoolean()) docs.add(d.get("text").asText());
        }
        c.score("warm up " + docs.get(0));
        int rounds = Integer.parseInt(a[1]);
        List<Double> ms = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < docs.size(); i++) {
                long t0 = bean.getCurrentThreadCpuTime();
                c.score("Document " + r + "." + i + ".\n" + docs.get(i));   // a new text each time: no cache hit
                ms.add((bean.getCurrentThreadCpuTime() - t0) / 1e6);
            }
        }
        Collections.sort(ms);
        double mean = ms.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        System.out.printf("%s docs=%d p50=%.1f p90=%.1f mean=%.1f ms load=%s%n", a.length > 2 ? a[2] : "", ms.size(), ms.get(ms.size() / 2),
                ms.get(ms.size() * 9 / 10), mean, Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }
}
