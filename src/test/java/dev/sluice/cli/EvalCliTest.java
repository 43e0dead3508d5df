package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

@DisplayName("sluice eval runs a promptfoo-style suite through the gateway")
class EvalCliTest {
    private static TestGateway gw;
    private static String key;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        key = gw.createKey("eval");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private CliTest.Run eval(Path suite, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "eval";
        args[1] = suite.toString();
        args[2] = "--url=" + gw.baseUrl();
        args[3] = "--key=" + key;
        System.arraycopy(more, 0, args, 4, more.length);
        return CliTest.run(args);
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    @DisplayName("checks answers, prices them as the gateway settled them, and writes JSON and JUnit XML; a failed test exits 100")
    void runsSuite() throws Exception {
        Path suite = write("suite.yaml", """
                description: smoke
                prompts:
                  - 'Write a haiku about {{ topic }}'
                  - '[{"role":"system","content":"You answer in JSON."},{"role":"user","content":"Facts about {{ topic }}"}]'
                providers:
                  - id: openai:chat:gpt-4o-mini
                    label: mini-json
                    config:
                      response_format: {type: json_object}
                      temperature: 0
                tests:
                  - description: json and cheap
                    vars: {topic: bananas}
                    assert:
                      - type: is-json
                      - type: cost
                        threshold: 1
                      - type: latency
                        threshold: 60000
                      - type: not-contains
                        value: ZZZ-never
                  - description: impossible
                    vars: {topic: apples}
                    assert:
                      - type: contains
                        value: ZZZ-never
                """);
        Path json = dir.resolve("out/run.json");
        Path xml = dir.resolve("out/run.xml");
        CliTest.Run run = eval(suite, "-o", json.toString(), "-o", xml.toString(), "--no-progress");
        assertThat(run.code()).as(run.out()).isEqualTo(100);
        assertThat(run.out()).contains("json and cheap", "impossible", "PASS", "FAIL", "2 passed, 2 failed");

        JsonNode result = Json.MAPPER.readTree(json.toFile());
        assertThat(result.path("stats").path("cases").asInt()).isEqualTo(4);
        JsonNode first = result.path("results").get(0);
        assertThat(first.path("pass").asBoolean()).as(first.toString()).isTrue();
        assertThat(first.path("cost_usd").asDouble()).isPositive();
        assertThat(first.path("trials").get(0).path("request_id").asText()).startsWith(result.path("id").asText());

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        assertThat(doc.getElementsByTagName("testcase").getLength()).isEqualTo(4);
        assertThat(doc.getElementsByTagName("failure").getLength()).isEqualTo(2);
    }
}
