import dev.sluice.guard.injection.*;
import dev.sluice.guard.injection.TunedInjectionEncoder.Precision;
import dev.sluice.guard.eval.ModelTraining;
import dev.sluice.guard.eval.PublicSets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.guard.ngram.LinearTextModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

/**
 * Session 17 (bench/README.md, /work/coord/readers17.md): cheaper passes of the documents' reader, on val (rule R1) and
 * on the in-band bench documents (windows read, thread CPU).
 * <pre>java -cp target/sluice.jar bench/scripts/doc-reader/ReaderPass.java shared/guard-data docs.jsonl [variants]</pre>
 * Variants: top3 (shipped: the 3 windows of highest document-model maxLogit), top2, top1; band3/band2/band1: the windows
 * whose own document score (scoreDocument of the window's text) reaches the cascade's band, at most 3/2/1 (the top one
 * if none does). Each variant: the documents' cascade (shipped settings, int8) or the rules on the val document rows;
 * windows read on the val documents in the band; then thread CPU per in-band bench document, variants alternated.
 */
public class ReaderPass {
    public static void main(String[] a) throws Exception {
        LinearTextModel doc = InjectionModel.loadTunedDocuments();
        TunedInjectionEncoder base = TunedInjectionEncoder.loadDocuments(Precision.INT8);
        JsonNode settings = InjectionCascade.shippedTunedDocumentsSettings();
        double band = settings.get("band").asDouble();
        Map<String, TunedInjectionEncoder> v = new LinkedHashMap<>();
        List<String> names = a.length > 2 ? List.of(a[2].split(",")) : List.of("top3", "top2", "top1", "band3", "band2", "band1");
        for (String n : names) {
            int k = n.charAt(n.length() - 1) - '0';
            v.put(n, n.startsWith("top") ? base.readingTopWindows(doc::maxLogit, k)
                    : base.readingTopWindows(doc::scoreDocument, k, band));
        }
        System.out.println("load average start: " + Files.readString(Path.of("/proc/loadavg")).trim());
        List<PublicSets.Row> attacks = new ArrayList<>(), benign = new ArrayList<>();
        for (PublicSets.Row r : ModelTraining.rows(Path.of(a[0]), "injection")) {
            if (r.split().equals("val") && r.channel().equals("document")) {
                (ModelTraining.injectionLabel(r) ? attacks : benign).add(r);
            }
        }
        Map<PublicSets.Row, Boolean> rules = new IdentityHashMap<>();
        int inBandBenign = 0, inBandAttacks = 0;
        for (List<PublicSets.Row> l : List.of(attacks, benign)) {
            for (PublicSets.Row r : l) {
                rules.put(r, ModelTraining.rulesScore(r) >= 0.5);
                if (doc.scoreDocument(r.text()) >= band) {
                    if (l == attacks) inBandAttacks++; else inBandBenign++;
                }
            }
        }
        System.out.printf("val documents: %d attacks (%d in band), %d benign (%d in band)%n", attacks.size(), inBandAttacks,
                benign.size(), inBandBenign);
        for (var e : v.entrySet()) {
            InjectionCascade c = InjectionCascade.documentsWithReader(settings, doc, e.getValue());
            int found = 0, flagged = 0;
            long windowsBenign = 0, windowsAttacks = 0;
            Map<String, int[]> bySource = new TreeMap<>();
            List<String> flaggedTexts = new ArrayList<>();
            for (PublicSets.Row r : attacks) {
                if (rules.get(r) || c.score(r.text()) >= 0.5) found++;
                if (doc.scoreDocument(r.text()) >= band) windowsAttacks += e.getValue().windowsRead(r.text());
            }
            for (PublicSets.Row r : benign) {
                boolean f = rules.get(r) || c.score(r.text()) >= 0.5;
                if (f) flagged++;
                int[] s = bySource.computeIfAbsent(r.source(), k -> new int[2]);
                s[0] += f ? 1 : 0;
                s[1]++;
                if (doc.scoreDocument(r.text()) >= band) windowsBenign += e.getValue().windowsRead(r.text());
            }
            StringBuilder sb = new StringBuilder();
            bySource.forEach((k, x) -> sb.append(' ').append(k).append(' ').append(x[0]).append('/').append(x[1]));
            System.out.printf("%s: val attacks found %d/%d, benign flagged %d/%d (%s); windows read: benign in band %d (%.2f a document),"
                    + " attacks in band %d (%.2f)  [load %s]%n", e.getKey(), found, attacks.size(), flagged, benign.size(),
                    sb.toString().trim(), windowsBenign, windowsBenign / (double) inBandBenign, windowsAttacks,
                    windowsAttacks / (double) inBandAttacks, Files.readString(Path.of("/proc/loadavg")).trim());
        }
        if (a.length < 2) return;
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int w = 0; w < 3; w++) {
            for (TunedInjectionEncoder e : v.values()) e.rawScore("warm up " + w + " word ".repeat(400));
        }
        System.out.println("load average before CPU: " + Files.readString(Path.of("/proc/loadavg")).trim());
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        Map<String, Integer> windows = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(v.keySet());
        int i = 0;
        for (String line : Files.readAllLines(Path.of(a[1]))) {
            JsonNode d = Json.MAPPER.readTree(line);
            if (!d.get("in_band").asBoolean()) continue;
            String t = d.get("text").asText();
            for (int k = 0; k < order.size(); k++) {
                String n = order.get((i + k) % order.size());
                TunedInjectionEncoder e = v.get(n);
                String text = "Document " + i + ".\n" + t;
                windows.merge(n, e.windowsRead(text), Integer::sum);
                long t0 = bean.getCurrentThreadCpuTime();
                e.rawScore(text);
                cpu.computeIfAbsent(n, x -> new ArrayList<>()).add((bean.getCurrentThreadCpuTime() - t0) / 1e6);
            }
            i++;
        }
        System.out.println("load average after CPU: " + Files.readString(Path.of("/proc/loadavg")).trim());
        for (String n : order) {
            System.out.printf("%s: in-band bench docs %d, windows read %d, thread CPU per document %s%n", n, i, windows.get(n), stats(cpu.get(n)));
        }
    }

    static String stats(List<Double> v) {
        List<Double> s = new ArrayList<>(v); Collections.sort(s);
        return String.format("p50 %.1f p90 %.1f mean %.1f ms", s.get(s.size() / 2), s.get((int) Math.ceil(0.9 * s.size()) - 1),
                s.stream().mapToDouble(x -> x).average().orElse(0));
    }
}
