import dev.sluice.guard.injection.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.guard.ngram.LinearTextModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

/** Session 15 (bench/README.md): thread CPU of the documents' reader on the in-band bench documents: every window (<= 24) vs the top 3, alternated. */
public class DocCost {
    public static void main(String[] a) throws Exception {
        LinearTextModel doc = InjectionModel.loadTunedDocuments();
        TunedInjectionEncoder all = TunedInjectionEncoder.loadDocuments();
        TunedInjectionEncoder top = all.readingTopWindows(doc::maxLogit, TunedInjectionEncoder.DOCUMENT_READ_WINDOWS);
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        all.rawScore("warm up " + "word ".repeat(300)); top.rawScore("warm up " + "word ".repeat(300));
        List<Double> ca = new ArrayList<>(), ct = new ArrayList<>();
        int i = 0;
        for (String line : Files.readAllLines(Path.of(a[0]))) {
            JsonNode d = Json.MAPPER.readTree(line);
            if (!d.get("in_band").asBoolean()) continue;
            String t = d.get("text").asText();
            for (int k = 0; k < 2; k++) {
                boolean first = (i + k) % 2 == 0;
                TunedInjectionEncoder e = first ? all : top;
                long t0 = bean.getCurrentThreadCpuTime();
                e.rawScore("Document " + i + ".\n" + t);
                double ms = (bean.getCurrentThreadCpuTime() - t0) / 1e6;
                (first ? ca : ct).add(ms);
            }
            i++;
        }
        Collections.sort(ca); Collections.sort(ct);
        System.out.printf("in-band docs %d: every window p50 %.0f p90 %.0f mean %.0f ms; top 3 p50 %.0f p90 %.0f mean %.0f ms%n", i,
                ca.get(ca.size() / 2), ca.get((int) Math.ceil(0.9 * ca.size()) - 1), ca.stream().mapToDouble(x -> x).average().orElse(0),
                ct.get(ct.size() / 2), ct.get((int) Math.ceil(0.9 * ct.size()) - 1), ct.stream().mapToDouble(x -> x).average().orElse(0));
    }
}
