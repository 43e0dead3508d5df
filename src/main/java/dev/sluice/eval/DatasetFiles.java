package dev.sluice.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Datasets as tests: a dataset item (its variables, and its expected answer as the variable
 * {@code expected}, for checks like {@code factuality: '{{ expected }}'}) becomes a test with no
 * checks of its own ({@code defaultTest} gives them). Also the CSV reader for dataset imports.
 */
public final class DatasetFiles {
    private DatasetFiles() {}

    /** The tests of a dataset's items ({@code GET /admin/datasets/NAME}'s {@code data}). */
    public static List<TestCase> tests(String name, JsonNode items) {
        java.util.ArrayList<TestCase> out = new java.util.ArrayList<>();
        int i = 0;
        for (JsonNode item : items) {
            i++;
            Map<String, Object> vars = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = item.path("vars").fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                vars.put(f.getKey(), f.getValue().isTextual() ? f.getValue().asText() : Json.MAPPER.convertValue(f.getValue(), Object.class));
            }
            if (item.path("expected").isTextual()) {
                vars.put("expected", item.path("expected").asText());
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            if (item.path("source_request_id").isTextual()) {
                metadata.put("source_request_id", item.path("source_request_id").asText());
            }
            out.add(new TestCase(null, vars, List.of(), null, metadata, "sluice://datasets/" + name + "#" + i));
        }
        return out;
    }

    public static List<List<String>> csvRows(String text, String file) {
        return TestTables.parse(text, file);
    }
}
