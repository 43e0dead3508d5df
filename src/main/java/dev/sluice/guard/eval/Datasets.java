package dev.sluice.guard.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The labelled sets shipped in the jar under {@code dev/sluice/guard/eval/} (sources, licences and
 * how they were made: {@code SOURCES.md} there). Injection: train (fits the classifier), dev (rules
 * and thresholds were tuned on it), test (held out). PII: dev and test.
 */
public final class Datasets {
    public static final String DIR = "/dev/sluice/guard/eval/";

    /** One labelled prompt or document. */
    public record InjectionExample(String text, boolean injection, String kind, String channel) {}

    /** One labelled text and the entities in it. */
    public record PiiExample(String text, List<Entity> entities) {}

    public record Entity(String type, String value) {}

    private Datasets() {}

    public static List<InjectionExample> injection(String split) {
        List<InjectionExample> out = new ArrayList<>();
        for (JsonNode n : lines("injection-" + split + ".jsonl")) {
            out.add(new InjectionExample(n.get("text").asText(), n.get("label").asText().equals("injection"),
                    n.get("kind").asText(), n.path("channel").asText("user")));
        }
        return out;
    }

    public static List<PiiExample> pii(String split) {
        List<PiiExample> out = new ArrayList<>();
        for (JsonNode n : lines("pii-" + split + ".jsonl")) {
            List<Entity> entities = new ArrayList<>();
            for (JsonNode e : n.get("entities")) {
                entities.add(new Entity(e.get("type").asText(), e.get("value").asText()));
            }
            out.add(new PiiExample(n.get("text").asText(), entities));
        }
        return out;
    }

    private static List<JsonNode> lines(String file) {
        try (InputStream in = Datasets.class.getResourceAsStream(DIR + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no dataset " + file);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<JsonNode> out = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(Json.MAPPER.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
