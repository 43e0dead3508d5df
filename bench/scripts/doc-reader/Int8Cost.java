import dev.sluice.guard.injection.*;
import dev.sluice.guard.injection.TunedInjectionEncoder.Precision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.guard.ngram.LinearTextModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

/**
 * Session 16 (bench/README.md): the documents' reader at fp32 and int8, in one JVM, one thread.
 * <pre>java -cp target/sluice.jar bench/scripts/doc-reader/Int8Cost.java docs.jsonl [shared/guard-data/injection.jsonl]</pre>
 * 1. thread CPU per in-band bench document (DocPick's, ~3.9 KB; the reader reads its top 3 windows), the two readers
 *    alternated per document (fp32 first on even documents, int8 first on odd), load average printed before and after;
 * 2. with the data file: every val document row read by both readers: max and mean |delta p| of the reader's probability,
 *    and the documents' cascade's decision (score >= 0.5, the shipped settings) flipped, by label.
 */
public class Int8Cost {
    public static void main(String[] a) throws Exception {
        LinearTextModel doc = InjectionModel.loadTunedDocuments();
        long l0 = System.nanoTime();
        TunedInjectionEncoder fp = TunedInjectionEncoder.loadDocuments(Precision.FP32)
                .readingTopWindows(doc::maxLogit, TunedInjectionEncoder.DOCUMENT_READ_WINDOWS);
        long l1 = System.nanoTime();
        TunedInjectionEncoder q8 = TunedInjectionEncoder.loadDocuments(Precision.INT8)
                .readingTopWindows(doc::maxLogit, TunedInjectionEncoder.DOCUMENT_READ_WINDOWS);
        long l2 = System.nanoTime();
        System.out.printf("load (wall): fp32 %.0f ms, int8 %.0f ms (quantizing included)%n", (l1 - l0) / 1e6, (l2 - l1) / 1e6);
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int w = 0; w < 3; w++) {
            fp.rawScore("warm up " + w + " word ".repeat(400));
            q8.rawScore("warm up " + w + " word ".repeat(400));
        }
        System.out.println("load average before: " + Files.readString(Path.of("/proc/loadavg")).trim());
        List<Double> cf = new ArrayList<>(), cq = new ArrayList<>();
        int i = 0;
        for (String line : Files.readAllLines(Path.of(a[0]))) {
            JsonNode d = Json.MAPPER.readTree(line);
            if (!d.get("in_band").asBoolean()) continue;
            String t = d.get("text").asText();
            for (int k = 0; k < 2; k++) {
                boolean fpNow = (i + k) % 2 == 0;
                TunedInjectionEncoder e = fpNow ? fp : q8;
                long t0 = bean.getCurrentThreadCpuTime();
                e.rawScore("Document " + i + ".\n" + t);
                (fpNow ? cf : cq).add((bean.getCurrentThreadCpuTime() - t0) / 1e6);
            }
            i++;
        }
        System.out.println("load average after: " + Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf("in-band docs %d, thread CPU per document (3 windows of 126 word pieces): fp32 %s; int8 %s%n", i, stats(cf), stats(cq));
        if (a.length < 2) return;
        InjectionCascade cascadeFp = InjectionCascade.documentsWithReader(InjectionCascade.shippedTunedDocumentsSettings(), doc, fp);
        InjectionCascade cascadeQ8 = InjectionCascade.documentsWithReader(InjectionCascade.shippedTunedDocumentsSettings(), doc, q8);
        double max = 0, sum = 0; int n = 0, inBand = 0;
        int[] flips = new int[4]; // attack found by fp32 only, by int8 only; benign flagged by fp32 only, by int8 only
        int[] found = new int[4]; // attacks fp32, attacks int8, benign fp32, benign int8
        int attacks = 0, benign = 0;
        for (String line : Files.readAllLines(Path.of(a[1]))) {
            JsonNode r = Json.MAPPER.readTree(line);
            if (!r.path("split").asText().equals("val") || !r.path("channel").asText().equals("document")) continue;
            if (!r.path("task").asText("injection").equals("injection")) continue;
            String t = r.get("text").asText();
            boolean attack = r.get("label").asText().equals("injection");
            if (attack) attacks++; else benign++;
            double pf = fp.rawScore(t), pq = q8.rawScore(t);
            max = Math.max(max, Math.abs(pf - pq)); sum += Math.abs(pf - pq); n++;
            boolean df = cascadeFp.score(t) >= 0.5, dq = cascadeQ8.score(t) >= 0.5;
            if (doc.scoreDocument(t) >= cascadeFp.band()) inBand++;
            int base = attack ? 0 : 2;
            if (df) found[base]++;
            if (dq) found[base + 1]++;
            if (df && !dq) flips[base]++;
            if (dq && !df) flips[base + 1]++;
        }
        System.out.printf("val documents %d (%d attacks, %d benign; %d in the band): reader |dp| max %.4f mean %.5f%n", n, attacks, benign, inBand, max, sum / n);
        System.out.printf("cascade (score >= 0.5, shipped settings): attacks found fp32 %d, int8 %d (fp32 only %d, int8 only %d);"
                + " benign flagged fp32 %d, int8 %d (fp32 only %d, int8 only %d)%n", found[0], found[1], flips[0], flips[1], found[2], found[3], flips[2], flips[3]);
        System.out.println("load average end: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }

    static String stats(List<Double> v) {
        List<Double> s = new ArrayList<>(v); Collections.sort(s);
        return String.format("p50 %.1f p90 %.1f mean %.1f ms", s.get(s.size() / 2), s.get((int) Math.ceil(0.9 * s.size()) - 1),
                s.stream().mapToDouble(x -> x).average().orElse(0));
    }
}
