package dev.sluice.guard.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The labelled sets built from public corpora by {@code tools/guard-data/public_sets.py}
 * (provenance, commits and licences in the folder's {@code MANIFEST.json}; see
 * {@code tools/guard-data/README.md}). They are not in the repository or the jar: the folder is
 * {@code --data}, else {@code $SLUICE_GUARD_DATA}, else {@code shared/guard-data} here or one
 * level up.
 */
public final class PublicSets {
    /** One labelled text. {@code split} is train, val or test; {@code channel} user or document. */
    public record Row(String text, String label, String source, String kind, String channel, String split) {
        public String group() {
            return split + " " + source;
        }
    }

    private PublicSets() {}

    /** The data folder, or null when none is found. */
    public static Path locate(Path given) {
        if (given != null) {
            return given;
        }
        String env = System.getenv("SLUICE_GUARD_DATA");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        for (String candidate : List.of("shared/guard-data", "../shared/guard-data", "/work/shared/guard-data")) {
            Path p = Path.of(candidate);
            if (Files.isRegularFile(p.resolve("MANIFEST.json"))) {
                return p;
            }
        }
        return null;
    }

    public static List<Row> read(Path dir, String task) {
        Path file = dir.resolve(task + ".jsonl");
        List<Row> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = Json.MAPPER.readTree(line);
                out.add(new Row(n.get("text").asText(), n.get("label").asText(), n.get("source").asText(),
                        n.path("kind").asText(""), n.path("channel").asText("user"), n.get("split").asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (build it with tools/guard-data/public_sets.py)", e);
        }
        return out;
    }

    /** The repo's own authored injection sets as rows: its train, dev (as val) and test splits, source {@code sluice:authored}. */
    public static List<Row> authoredInjection() {
        List<Row> out = new ArrayList<>();
        for (String[] s : new String[][] {{"train", "train"}, {"dev", "val"}, {"test", "test"}}) {
            for (Datasets.InjectionExample e : Datasets.injection(s[0])) {
                out.add(new Row(e.text(), e.injection() ? "injection" : "benign", "sluice:authored", e.kind(), e.channel(), s[1]));
            }
        }
        return out;
    }

    /** The manifest's text, for printing provenance. */
    public static JsonNode manifest(Path dir) {
        try {
            return Json.MAPPER.readTree(dir.resolve("MANIFEST.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
