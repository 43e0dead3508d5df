import dev.sluice.guard.injection.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.guard.eval.ModelTraining;
import dev.sluice.guard.eval.PublicSets;
import dev.sluice.guard.ngram.LinearTextModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

/** Session 15 (bench/README.md): ~4 KB benign documents from val: two consecutive benign val documents of one source, cut at a line before 4,096 chars. */
public class DocPick {
    public static void main(String[] a) throws Exception {
        LinearTextModel doc = InjectionModel.loadTunedDocuments();
        List<PublicSets.Row> rows = new ArrayList<>();
        for (PublicSets.Row r : ModelTraining.rows(Path.of(a[0]), "injection")) {
            if (r.split().equals("val") && r.channel().equals("document") && !ModelTraining.injectionLabel(r)) rows.add(r);
        }
        int want = Integer.parseInt(a[2]);
        int in = 0, out = 0;
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(a[1])))) {
            for (int i = 0; i + 1 < rows.size() && (in < want || out < want); i += 1) {
                PublicSets.Row x = rows.get(i), y = rows.get(i + 1);
                if (!x.source().equals(y.source())) continue;
                String t = x.text() + "\n\n" + y.text();
                if (t.length() > 4096) {
                    int cut = t.lastIndexOf('\n', 4096);
                    t = t.substring(0, cut > 3000 ? cut : 4096);
                }
                if (t.length() < 3500) continue;
                double s = doc.scoreDocument(t);
                if (s >= 0.5) continue;
                boolean band = s >= 0.2;
                if (band ? in >= want : out >= want) continue;
                if (band) in++; else out++;
                ObjectNode o = Json.object();
                o.put("source", x.source()); o.put("score", s); o.put("in_band", band); o.put("text", t);
                w.println(o);
            }
        }
        System.out.println("in band " + in + ", out " + out);
    }
}
