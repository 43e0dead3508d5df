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

    /**
     * The simulator behind a generous timeout: a cold gateway on a loaded machine can take seconds
     * for its first answers, and these tests are about verdicts, not speed.
     */
    static final String PATIENT_PROVIDERS = """
            providers:
              sim:
                type: openai
                base_url: ${SIM}/v1
                api_key: sk-upstream-test
                timeout: 60s
            """;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(dev.sluice.sim.SimOptions.defaults(), PATIENT_PROVIDERS + """
                models:
                  gpt-4o-mini:
                    provider: sim
                  gpt-4o:
                    provider: sim
                """, java.time.Clock.systemUTC());
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

    private static final String TWO_TESTS = """
            prompts: ['Say something about {{ topic }}']
            providers: [openai:chat:gpt-4o-mini]
            tests:
              - description: answers
                vars: {topic: rain}
                assert:
                  - type: not-equals
                    value: ''
              - description: judged
                vars: {topic: snow}
                assert:
                  - type: llm-rubric
                    value: talks about {{ topic }}
            """;

    @Test
    @DisplayName("--record keeps every answer (the judge's too); --replay runs again without any upstream call; an unrecorded request exits 1")
    void recordReplay() throws Exception {
        Path suite = write("suite.yaml", TWO_TESTS);
        Path recordings = dir.resolve("rec");
        Path first = dir.resolve("first.json");
        CliTest.Run recorded = eval(suite, "--record", recordings.toString(), "-o", first.toString(), "--no-progress");
        assertThat(recorded.code()).as(recorded.out()).isIn(0, 100);
        JsonNode judged = Json.MAPPER.readTree(first.toFile()).path("results").get(1).path("trials").get(0).path("asserts").get(0);
        assertThat(judged.path("details").path("judge_prompt").asText()).contains("talks about snow");
        assertThat(judged.path("details").path("judge_model").asText()).isEqualTo("gpt-4o-mini");
        try (var files = Files.list(recordings)) {
            assertThat(files.count()).isEqualTo(3);
        }

        gw.sim().clearRecorded();
        Path second = dir.resolve("second.json");
        CliTest.Run replayed = eval(suite, "--replay", recordings.toString(), "-o", second.toString(), "--no-progress");
        assertThat(replayed.code()).isEqualTo(recorded.code());
        assertThat(gw.sim().recorded()).isEmpty();
        JsonNode a = Json.MAPPER.readTree(first.toFile()).path("results");
        JsonNode b = Json.MAPPER.readTree(second.toFile()).path("results");
        for (int i = 0; i < 2; i++) {
            assertThat(b.get(i).path("pass")).isEqualTo(a.get(i).path("pass"));
            assertThat(b.get(i).path("trials").get(0).path("output")).isEqualTo(a.get(i).path("trials").get(0).path("output"));
        }

        Path changed = write("changed.yaml", TWO_TESTS.replace("rain", "hail"));
        CliTest.Run missing = eval(changed, "--replay", recordings.toString(), "--no-progress");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.out()).contains("no recorded answer", "--record");
    }

    @Test
    @DisplayName("--baseline prints the regression table; --max-regressions gates on newly failing cases only")
    void baseline() throws Exception {
        Path good = write("good.yaml", """
                prompts: ['Hello {{ x }}']
                providers: [openai:chat:gpt-4o-mini]
                tests:
                  - description: a
                    vars: {x: one}
                    assert: [{type: not-contains, value: ZZZ}]
                  - description: b
                    vars: {x: two}
                    assert: [{type: contains, value: ZZZ}]
                """);
        Path base = dir.resolve("base.json");
        assertThat(eval(good, "-o", base.toString(), "--no-progress").code()).isEqualTo(100);

        Path worse = write("worse.yaml", Files.readString(good).replace("not-contains, value: ZZZ", "contains, value: ZZZ"));
        CliTest.Run tolerated = eval(worse, "--baseline", base.toString(), "--max-regressions", "1", "--no-progress");
        assertThat(tolerated.code()).as(tolerated.out()).isZero();
        assertThat(tolerated.out()).contains("REGRESSED", "1 regressed, 0 fixed");
        CliTest.Run gated = eval(worse, "--baseline", base.toString(), "--max-regressions", "0", "--no-progress");
        assertThat(gated.code()).isEqualTo(100);
        assertThat(gated.out()).contains("more than --max-regressions 0");
    }

    @Test
    @DisplayName("exit 1 for a bad suite (with file and line) and for an unreachable gateway; the pass-rate gate decides 0 or 100")
    void exitCodes() throws Exception {
        Path bad = write("bad.yaml", """
                prompts: [hi]
                providers: [openai:chat:gpt-4o-mini]
                tests:
                  - assert:
                      - type: is-jsn
                """);
        CliTest.Run badRun = eval(bad);
        assertThat(badRun.code()).isEqualTo(1);
        assertThat(badRun.out()).contains("bad.yaml:5", "did you mean 'is-json'");

        Path ok = write("ok.yaml", """
                prompts: ['Hi {{ x }}']
                providers: [openai:chat:gpt-4o-mini]
                tests:
                  - vars: {x: a}
                    assert: [{type: not-contains, value: ZZZ}]
                  - vars: {x: b}
                    assert: [{type: contains, value: ZZZ}]
                """);
        CliTest.Run unreachable = CliTest.run("eval", ok.toString(), "--url=http://127.0.0.1:1", "--key=k", "--no-progress");
        assertThat(unreachable.code()).isEqualTo(1);
        assertThat(unreachable.out()).contains("cannot reach the gateway");
        assertThat(eval(ok, "--pass-rate", "50", "--no-progress").code()).isZero();
        assertThat(eval(ok, "--pass-rate", "75", "--no-progress").code()).isEqualTo(100);
        assertThat(eval(ok, "--filter-pattern", "x=a", "--no-progress").code()).isZero();
    }

    @Test
    @DisplayName("--store keeps runs in the gateway: list, show and compare them; a team key sees only its team's runs")
    void storedRuns() throws Exception {
        Path suite = write("stored.yaml", """
                description: stored suite
                prompts: ['Hello {{ x }}']
                providers: [openai:chat:gpt-4o-mini]
                tests:
                  - description: a
                    vars: {x: one}
                    assert: [{type: not-contains, value: ZZZ}]
                """);
        Path out = dir.resolve("stored.json");
        CliTest.Run first = eval(suite, "--store", "--admin-key", TestGateway.ADMIN_KEY, "-o", out.toString(), "--no-progress");
        assertThat(first.code()).as(first.out()).isZero();
        String firstId = Json.MAPPER.readTree(out.toFile()).path("id").asText();
        Files.writeString(suite, Files.readString(suite).replace("not-contains", "contains"));
        CliTest.Run second = eval(suite, "--store", "--admin-key", TestGateway.ADMIN_KEY, "-o", out.toString(),
                "--baseline", firstId, "--no-progress");
        assertThat(second.code()).isEqualTo(100);
        assertThat(second.out()).contains("REGRESSED");
        String secondId = Json.MAPPER.readTree(out.toFile()).path("id").asText();

        String admin = "--admin-key=" + TestGateway.ADMIN_KEY;
        String url = "--url=http://127.0.0.1:" + gw.gateway().port();
        CliTest.Run list = CliTest.run("eval", "list", url, admin);
        assertThat(list.code()).as(list.out()).isZero();
        assertThat(list.out()).contains(firstId, secondId, "stored.yaml");
        assertThat(list.out().indexOf(secondId)).isLessThan(list.out().indexOf(firstId));
        CliTest.Run show = CliTest.run("eval", "show", secondId, url, admin);
        assertThat(show.out()).contains("FAIL", "a | Hello {{ x }} | openai:chat:gpt-4o-mini");
        CliTest.Run compare = CliTest.run("eval", "compare", firstId, secondId, url, admin);
        assertThat(compare.out()).contains("REGRESSED", "1 regressed");

        gw.createTeam("evalteam");
        var key = gw.http().post("/admin/admin-keys", "{\"name\":\"t\",\"role\":\"team_admin\",\"team\":\"evalteam\"}",
                Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY));
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        var teamAuth = Map.of("authorization", "Bearer " + key.json().path("key").asText());
        assertThat(gw.http().get("/admin/evals", teamAuth).json().path("data")).isEmpty();
        assertThat(gw.http().get("/admin/evals/" + firstId, teamAuth).status()).isEqualTo(403);
        assertThat(gw.http().get("/admin/evals/nope", Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY)).status())
                .isEqualTo(404);
        assertThat(gw.http().post("/admin/evals", "{\"id\":\"x\"}", Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY))
                .status()).isEqualTo(400);
    }

    @Test
    @DisplayName("sluice:prompt:NAME@VERSION providers run registry prompts through the prompt stage with the tests' variables")
    void registryPrompts() throws Exception {
        String[] admin = {"--url", "http://127.0.0.1:" + gw.gateway().port(), "--admin-key", TestGateway.ADMIN_KEY};
        Path src = Files.createDirectories(dir.resolve("prompts"));
        Files.writeString(src.resolve("faq.yaml"), """
                model: gpt-4o-mini
                messages:
                  - role: system
                    content: "Answer briefly."
                  - role: user
                    content: "{{ question }}"
                """);
        assertThat(CliTest.run(concat(new String[] {"prompts", "push", src.toString()}, admin)).code()).isZero();
        Files.writeString(src.resolve("faq.yaml"), """
                model: gpt-4o-mini
                messages:
                  - role: system
                    content: "Answer in detail for {{ audience }}."
                  - role: user
                    content: "{{ question }}"
                """);
        assertThat(CliTest.run(concat(new String[] {"prompts", "push", src.toString()}, admin)).code()).isZero();
        assertThat(CliTest.run(concat(new String[] {"prompts", "label", "faq", "2", "staging"}, admin)).code()).isZero();

        // no prompts: of its own; version 1 does not use 'audience', version 2 does; 'note' is used by neither
        Path suite = write("registry.yaml", """
                providers:
                  - sluice:prompt:faq@1
                  - id: sluice:prompt:faq:staging
                    label: staging
                tests:
                  - vars: {question: 'Where is my parcel?', audience: new customers, note: unused}
                    assert: [{type: not-contains, value: ZZZ}]
                  - vars: {question: 'Can I pay by card?', audience: everyone, note: unused}
                    assert: [{type: not-contains, value: ZZZ}]
                """);
        Path out = dir.resolve("registry.json");
        CliTest.Run run = eval(suite, "-o", out.toString(), "--no-progress");
        assertThat(run.code()).as(run.out()).isZero();
        JsonNode results = Json.MAPPER.readTree(out.toFile()).path("results");
        assertThat(results).hasSize(4);
        assertThat(results.findValuesAsText("model")).containsOnly("gpt-4o-mini");
        assertThat(run.out()).contains("sluice:prompt:faq@1", "staging", "4 passed");
        gw.flushLog();
        JsonNode stats = gw.http().get("/admin/analytics/stats?from=1h&group_by=prompt_version",
                Map.of("authorization", "Bearer " + TestGateway.ADMIN_KEY)).json();
        assertThat(stats.path("data").findValuesAsText("prompt_version")).contains("faq@1", "faq@2");

        Path missing = write("missing.yaml", """
                providers: [sluice:prompt:nosuch]
                tests: [{vars: {question: hi}, assert: [{type: not-contains, value: ZZZ}]}]
                """);
        CliTest.Run bad = eval(missing, "--no-progress");
        assertThat(bad.code()).as(bad.out()).isEqualTo(100);
        assertThat(bad.out()).contains("nosuch");
        Path invalid = write("invalid.yaml", "providers: ['sluice:prompt:faq@x']\ntests: [{vars: {q: 1}}]\n");
        CliTest.Run error = eval(invalid, "--no-progress");
        assertThat(error.code()).isEqualTo(1);
        assertThat(error.out()).contains("invalid registry prompt 'sluice:prompt:faq@x'");
    }

    private static String[] concat(String[] a, String[] b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
    }
}
