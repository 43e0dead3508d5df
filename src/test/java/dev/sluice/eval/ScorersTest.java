package dev.sluice.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import dev.sluice.eval.score.Answer;
import dev.sluice.eval.score.Score;
import dev.sluice.eval.score.ScoreContext;
import dev.sluice.eval.score.Scorers;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Scorers check answers as promptfoo's assertion types do")
class ScorersTest {
    private static final Scorers SCORERS = Scorers.standard();

    static Assertion assertion(String written, JsonNode value, Double threshold) {
        boolean negated = written.startsWith("not-");
        return new Assertion(negated ? written.substring(4) : written, negated, value, threshold, 1, null, null, null, "t:1");
    }

    static Score score(String type, String value, String answer) {
        return SCORERS.create(assertion(type, value == null ? null : Json.NODES.textNode(value), null))
                .score(Answer.text(answer), ScoreContext.basic());
    }

    @ParameterizedTest(name = "{0} {1} on \"{2}\" -> {3}")
    @CsvSource(delimiter = ';', value = {
            "equals;Paris;Paris;true", "equals;Paris;paris;false",
            "contains;Par;Paris;true", "contains;par;Paris;false",
            "icontains;par;Paris;true", "icontains;xyz;Paris;false",
            "not-contains;xyz;Paris;true", "not-icontains;PAR;Paris;false",
            "contains-any;Rome,Paris;Paris is nice;true", "contains-any;Rome,Oslo;Paris is nice;false",
            "contains-all;Paris,nice;Paris is nice;true", "contains-all;Paris,Rome;Paris is nice;false",
            "icontains-any;ROME,PARIS;Paris;true", "icontains-all;PARIS,NICE;Paris is nice;true",
            "icontains-all;PARIS,ROME;Paris is nice;false",
            "starts-with;Par;Paris;true", "starts-with;ris;Paris;false",
            "regex;^P[a-z]+s$;Paris;true", "regex;\\d{3};Paris;false",
            "is-json;;{\"a\": 1};true", "is-json;;not json;false", "not-is-json;;not json;true",
            "contains-json;;Here: ```{\"a\": [1, 2]}``` done;true", "contains-json;;no braces;false",
    })
    void textAndJson(String type, String value, String answer, boolean pass) {
        assertThat(score(type, value, answer).pass()).isEqualTo(pass);
    }

    @Test
    @DisplayName("equals with an object compares JSON, not text; is-json checks a JSON Schema")
    void jsonValues() {
        JsonNode expected = Json.parse("{\"a\":1,\"b\":[true]}".getBytes());
        assertThat(SCORERS.create(assertion("equals", expected, null)).score(Answer.text("{ \"b\": [true], \"a\": 1 }"),
                ScoreContext.basic()).pass()).isTrue();
        JsonNode schema = Json.parse("{\"type\":\"object\",\"required\":[\"city\"],\"properties\":{\"city\":{\"type\":\"string\"}}}".getBytes());
        var isJson = SCORERS.create(assertion("is-json", schema, null));
        assertThat(isJson.score(Answer.text("{\"city\":\"Paris\"}"), ScoreContext.basic()).pass()).isTrue();
        Score missing = isJson.score(Answer.text("{\"town\":\"Paris\"}"), ScoreContext.basic());
        assertThat(missing.pass()).isFalse();
        assertThat(missing.reason()).contains("city");
    }

    @Test
    @DisplayName("latency and cost compare with the threshold; an unknown cost fails rather than passes")
    void thresholds() {
        var latency = SCORERS.create(assertion("latency", null, 500.0));
        var cost = SCORERS.create(assertion("cost", null, 0.01));
        Answer fast = new Answer("x", null, 120, 0.002, 10, 5, "m", "r", null);
        Answer slow = new Answer("x", null, 900, null, 10, 5, "m", "r", null);
        assertThat(latency.score(fast, ScoreContext.basic()).pass()).isTrue();
        assertThat(latency.score(slow, ScoreContext.basic()).pass()).isFalse();
        assertThat(cost.score(fast, ScoreContext.basic()).pass()).isTrue();
        assertThat(cost.score(slow, ScoreContext.basic()).reason()).contains("no cost");
        assertThatThrownBy(() -> SCORERS.create(assertion("latency", null, null))).hasMessageContaining("threshold");
    }

    @Test
    @DisplayName("tool calls must name an offered tool and match its parameters")
    void toolsCall() {
        JsonNode tools = Json.parse("""
                [{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
                "properties":{"city":{"type":"string"}},"required":["city"]}}}]""".getBytes());
        ScoreContext ctx = new ScoreContext(Map.of(), "", tools, null, null, null);
        var scorer = SCORERS.create(assertion("is-valid-openai-tools-call", null, null));
        JsonNode good = Json.parse("[{\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]".getBytes());
        JsonNode bad = Json.parse("[{\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]".getBytes());
        assertThat(scorer.score(new Answer("", good, 0, null, 0, 0, null, null, null), ctx).pass()).isTrue();
        assertThat(scorer.score(new Answer("", bad, 0, null, 0, 0, null, null, null), ctx).pass()).isFalse();
        assertThat(scorer.score(Answer.text("sunny"), ctx).pass()).isFalse();
    }

    @Test
    @DisplayName("similar uses the embedder's cosine against the threshold, the best of several values")
    void similar() {
        ScoreContext ctx = new ScoreContext(Map.of(), "", null, null, null, (a, b, m) -> a.equals(b) ? 1 : 0.5);
        var one = SCORERS.create(assertion("similar", Json.NODES.textNode("hello"), 0.8));
        assertThat(one.score(Answer.text("hello"), ctx).pass()).isTrue();
        assertThat(one.score(Answer.text("bye"), ctx).pass()).isFalse();
        var list = SCORERS.create(assertion("similar", Json.array().add("x").add("bye"), 0.8));
        assertThat(list.score(Answer.text("bye"), ctx).pass()).isTrue();
    }

    @Test
    @DisplayName("llm-rubric and factuality ask the judge and keep its prompt and verdict")
    void modelGraded() {
        ScoreContext yes = new ScoreContext(Map.of("topic", "cats"), "q", null,
                (m, s, u, v) -> "{\"reason\":\"fine\",\"pass\":true,\"score\":0.9}", "judge-model", null);
        var rubric = SCORERS.create(assertion("llm-rubric", Json.NODES.textNode("is about {{ topic }}"), null));
        Score s = rubric.score(Answer.text("meow"), yes);
        assertThat(s.pass()).isTrue();
        assertThat(s.score()).isEqualTo(0.9);
        assertThat((String) s.details().get("judge_prompt")).contains("is about cats", "meow");
        assertThat(s.details()).containsEntry("judge_model", "judge-model");
        var strict = SCORERS.create(assertion("llm-rubric", Json.NODES.textNode("x"), 0.95));
        assertThat(strict.score(Answer.text("meow"), yes).pass()).isFalse();

        ScoreContext disagree = new ScoreContext(Map.of(), "q", null,
                (m, s2, u, v) -> "Thinking... {\"category\":\"D\",\"reason\":\"conflicts\"}", "j", null);
        ScoreContext subset = new ScoreContext(Map.of(), "q", null, (m, s2, u, v) -> "{\"category\":\"(A)\"}", "j", null);
        var fact = SCORERS.create(assertion("factuality", Json.NODES.textNode("Paris is the capital"), null));
        assertThat(fact.score(Answer.text("Lyon"), disagree).pass()).isFalse();
        assertThat(fact.score(Answer.text("Paris"), subset).pass()).isTrue();
        ScoreContext garbage = new ScoreContext(Map.of(), "q", null, (m, s2, u, v) -> "no idea", "j", null);
        assertThat(rubric.score(Answer.text("x"), garbage).reason()).contains("not a verdict");
    }

    @Test
    @DisplayName("regexes are RE2: a pattern that would backtrack for ever is refused or runs in linear time")
    void safeRegex() {
        assertThatThrownBy(() -> score("regex", "(a)\\1", "aa")).hasMessageContaining("RE2");
        String evil = "a".repeat(50_000) + "!";
        assertThat(score("regex", "^(a+)+$", evil).pass()).isFalse();
    }

    @Test
    @DisplayName("an unknown type is refused and every type can be negated")
    void registry() {
        assertThatThrownBy(() -> SCORERS.create(assertion("contians", Json.NODES.textNode("x"), null)))
                .hasMessageContaining("unknown assertion type");
        assertThat(SCORERS.names()).contains("equals", "contains", "icontains", "contains-any", "contains-all",
                "icontains-any", "icontains-all", "starts-with", "regex", "is-json", "contains-json",
                "is-valid-openai-tools-call", "latency", "cost", "similar", "llm-rubric", "factuality");
        assertThat(score("not-starts-with", "P", "Paris").pass()).isFalse();
    }
}
