package dev.sluice.prompts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Prompts as code: one {@code prompts/NAME.yaml} file per prompt (format in the README, "Prompts
 * and rollouts"). Reading validates exactly as the admin API does; writing is deterministic (same
 * definition, same bytes), so a pull followed by a push changes nothing.
 */
public final class PromptFiles {
    /** At most this many files in a directory (each becomes a request to the admin API). */
    public static final int MAX_FILES = 1_000;
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                    .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .build())
            .build();

    /** A prompt file could not be read; the message names the file and the field. */
    public static final class FileException extends RuntimeException {
        public FileException(String message) {
            super(message, null, false, false);
        }
    }

    /** A definition and the file it came from. */
    public record Loaded(Path file, PromptDefinition definition) {}

    private PromptFiles() {}

    /** Parses YAML text (the file's name, for messages and the default prompt name). */
    public static PromptDefinition parse(String fileName, String text) {
        JsonNode node;
        try {
            node = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FileException(fileName + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        try {
            return PromptDefinition.fromJson(node, baseName(fileName));
        } catch (SluiceException e) {
            throw new FileException(fileName + ": " + (e.param() == null || e.param().isEmpty() ? "" : e.param() + ": ")
                    + e.getMessage());
        }
    }

    public static PromptDefinition read(Path file) {
        try {
            return parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FileException(file + ": cannot be read: " + e.getMessage());
        }
    }

    /** Every {@code *.yaml} / {@code *.yml} file of a directory (not its sub-directories), by file name. */
    public static List<Loaded> readDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new FileException(dir + " is not a directory of prompt files (NAME.yaml)");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")))
                    .sorted().limit(MAX_FILES + 1L).toList();
        } catch (IOException e) {
            throw new FileException(dir + ": cannot be listed: " + e.getMessage());
        }
        if (files.size() > MAX_FILES) {
            throw new FileException(dir + " has more than " + MAX_FILES + " prompt files; split them into directories");
        }
        List<Loaded> out = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        for (Path file : files) {
            PromptDefinition d = read(file);
            Path other = seen.putIfAbsent(d.name(), file);
            if (other != null) {
                throw new FileException(file + ": the prompt '" + d.name() + "' is also defined in " + other);
            }
            out.add(new Loaded(file, d));
        }
        return out;
    }

    /** The YAML text of a definition, after an optional comment header (lines without the '#'). */
    public static String yaml(PromptDefinition d, List<String> header) {
        ObjectNode node = Json.object();
        node.put("name", d.name());
        if (d.team() != null) {
            node.put("team", d.team());
        }
        if (d.description() != null) {
            node.put("description", d.description());
        }
        node.setAll(contentFirstModel(d.content()));
        StringBuilder sb = new StringBuilder();
        for (String line : header) {
            sb.append("# ").append(line).append('\n');
        }
        try {
            return sb.append(YAML.writeValueAsString(node)).toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always has a YAML form", e);
        }
    }

    /** The YAML of a version's content alone (what diffs compare). */
    public static String yaml(PromptContent content) {
        try {
            return YAML.writeValueAsString(contentFirstModel(content));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always has a YAML form", e);
        }
    }

    /** Writes {@code dir/NAME.yaml}; returns the file. */
    public static Path write(Path dir, PromptDefinition d, List<String> header) {
        Path file = dir.resolve(d.name() + ".yaml");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, yaml(d, header), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new FileException(file + ": cannot be written: " + e.getMessage());
        }
    }

    /** Model and parameters before the messages: they read like a header of the prompt. */
    private static ObjectNode contentFirstModel(PromptContent c) {
        ObjectNode json = c.toJson();
        ObjectNode out = Json.object();
        for (String key : List.of("model", "params", "guardrail_policy", "messages")) {
            if (json.has(key)) {
                out.set(key, json.get(key));
            }
        }
        return out;
    }

    private static String baseName(String fileName) {
        String name = Path.of(fileName).getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
