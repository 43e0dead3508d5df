package dev.sluice.prompts;

import static dev.sluice.testing.TestGateway.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.sluice.api.Json;
import dev.sluice.sim.RecordedRequest;
import dev.sluice.sim.SimOptions;
import dev.sluice.testing.Http;
import dev.sluice.testing.TestGateway;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Chat requests that reference a stored prompt ({@code "prompt": {...}}), through HTTP and the official client. */
class PromptRequestsTest {
    static final Map<String, String> ADMIN = Http.bearer(ADMIN_KEY);
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(SimOptions.defaults().withOutputTokens(5), "", Clock.systemUTC());
        key = gw.createKey("app");
        push(gw, """
                {"name": "support", "model": "gpt-4o-mini", "params": {"temperature": 0.2, "max_tokens": 50},
                 "messages": [{"role": "system", "content": "You help {{ product }} users.{% if tier == 'gold' %} Be extra kind.{% endif %}"},
                              {"role": "user", "content": "Question: {{ question }}"}]}""", "v1");
        label(gw, "support", "production", 1);
        push(gw, """
                {"name": "support", "model": "gpt-4o", "messages": [{"role": "system", "content": "v2 for {{ product }}"},
                 {"role": "user", "content": "{{ question }}"}]}""", "v2");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    static JsonNode push(TestGateway gw, String definition, String message) {
        ObjectNode body = Json.object().put("message", message);
        body.putArray("prompts").add(Json.parse(definition.getBytes()));
        Http.Response r = gw.http().post("/admin/prompts", body, ADMIN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("data").get(0);
    }

    static void label(TestGateway gw, String prompt, String label, int version) {
        Http.Response r = gw.http().post("/admin/prompts/" + prompt + "/labels/" + label,
                Json.object().put("version", version), ADMIN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static ObjectNode promptRef(String id, Map<String, Object> variables) {
        ObjectNode p = Json.object().put("id", id);
        p.set("variables", Json.MAPPER.valueToTree(variables));
        return p;
    }

    @Test
    @DisplayName("the official client's request is rendered from the production label: template messages first, then its own")
    void rendersThroughTheOfficialClient() {
        OpenAIClient client = gw.openAi(key);
        gw.sim().clearRecorded();
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("and one more thing")
                        .putAdditionalBodyProperty("prompt", JsonValue.from(Map.of("id", "support",
                                "variables", Map.of("product", "Sluice", "tier", "gold", "question", "How?"))))
                        .build());
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().values("x-sluice-prompt")).containsExactly("support@1");
        assertThat(raw.parse().choices()).isNotEmpty();
        RecordedRequest sent = gw.sim().recorded().getLast();
        JsonNode messages = sent.body().path("messages");
        assertThat(messages.size()).isEqualTo(3);
        assertThat(messages.get(0).path("content").asText()).isEqualTo("You help Sluice users. Be extra kind.");
        assertThat(messages.get(1).path("content").asText()).isEqualTo("Question: How?");
        assertThat(messages.get(2).path("content").asText()).isEqualTo("and one more thing");
        assertThat(sent.body().has("prompt")).as("the prompt field never goes upstream").isFalse();
        assertThat(sent.body().path("temperature").asDouble()).as("the version's parameters").isEqualTo(0.2);
        assertThat(sent.body().path("max_tokens").asInt()).isEqualTo(50);
    }

    @Test
    @DisplayName("a request may leave model and messages to the prompt; the request's own parameters win")
    void modelAndMessagesFromThePrompt() {
        gw.sim().clearRecorded();
        ObjectNode body = Json.object().put("temperature", 1.5);
        body.set("prompt", promptRef("support", Map.of("product", "X", "question", "Why?")).put("version", "2"));
        Http.Response r = gw.http().post("/v1/chat/completions", body, Http.bearer(key));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-sluice-prompt")).isEqualTo("support@2");
        JsonNode sent = gw.sim().recorded().getLast().body();
        assertThat(sent.path("model").asText()).isEqualTo("gpt-4o");
        assertThat(sent.path("temperature").asDouble()).isEqualTo(1.5);
        assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("v2 for X");

        ObjectNode byLabel = Json.object();
        byLabel.set("prompt", promptRef("support", Map.of("product", "X", "question", "Why?")).put("label", "latest"));
        assertThat(gw.http().post("/v1/chat/completions", byLabel, Http.bearer(key)).header("x-sluice-prompt"))
                .isEqualTo("support@2");
    }

    @Test
    @DisplayName("missing or extra variables, unknown prompts, labels and versions are 4xx errors naming the field")
    void errors() {
        assertError(promptRef("support", Map.of("product", "X")), 400, "missing_prompt_variable", "prompt.variables.question");
        assertError(promptRef("support", Map.of("product", "X", "question", "q", "prodcut", "typo")), 400,
                "unknown_prompt_variable", "prompt.variables.prodcut");
        assertError(promptRef("nope", Map.of()), 404, "prompt_not_found", "prompt.id");
        assertError(promptRef("support", Map.of()).put("label", "staging"), 404, "prompt_label_not_found", "prompt.label");
        assertError(promptRef("support", Map.of()).put("version", 9), 404, "prompt_version_not_found", "prompt.version");
        assertError(promptRef("support", Map.of()).put("version", "two"), 400, "invalid_request_error", "prompt.version");
        assertError(Json.object().put("label", "production"), 400, "invalid_request_error", "prompt.id");
        assertError(promptRef("support", Map.of()).put("labels", "x"), 400, "invalid_request_error", "prompt.labels");
        Http.Response noModel = gw.http().post("/v1/chat/completions", Json.parse("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes()),
                Http.bearer(key));
        assertThat(noModel.json().path("error").path("param").asText()).isEqualTo("model");
    }

    private static void assertError(ObjectNode prompt, int status, String codeOrType, String param) {
        ObjectNode body = Json.object();
        body.set("prompt", prompt);
        Http.Response r = gw.http().post("/v1/chat/completions", body, Http.bearer(key));
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode error = r.json().path("error");
        assertThat(List.of(error.path("code").asText(), error.path("type").asText())).as(r.body()).contains(codeOrType);
        assertThat(error.path("param").asText()).as(r.body()).isEqualTo(param);
    }

    @Test
    @DisplayName("the request log records prompt and version, and stats group by them")
    void loggedAndGrouped() {
        ObjectNode body = Json.object();
        body.set("prompt", promptRef("support", Map.of("product", "L", "question", "q")));
        Http.Response r = gw.http().post("/v1/chat/completions", body, Http.bearer(key));
        JsonNode row = gw.logs("request_id=" + r.header("x-request-id")).get(0);
        assertThat(row.path("prompt").path("name").asText()).isEqualTo("support");
        assertThat(row.path("prompt").path("version").asInt()).isEqualTo(1);
        assertThat(row.path("model").asText()).isEqualTo("gpt-4o-mini");
        JsonNode stats = gw.http().get("/admin/analytics/stats?from=1h&group_by=prompt_version", ADMIN).json();
        assertThat(stats.path("data").findValuesAsText("prompt_version")).contains("support@1");
    }

    @Test
    @DisplayName("a key limited to other models cannot use a prompt written for a model it may not use")
    void modelPermission() {
        String limited = gw.createKey(Json.object().put("name", "limited").set("models",
                Json.MAPPER.valueToTree(List.of("gpt-4o")))).path("key").asText();
        ObjectNode body = Json.object();
        body.set("prompt", promptRef("support", Map.of("product", "L", "question", "q")));
        Http.Response r = gw.http().post("/v1/chat/completions", body, Http.bearer(limited));
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("model_not_allowed");
    }

    @Test
    @DisplayName("GET /v1/prompts/{name} serves a version to a scoped key, with an ETag for caching")
    void fetchWithEtag() {
        String scoped = gw.createKey(Json.object().put("name", "reader").set("scopes",
                Json.MAPPER.valueToTree(List.of("prompt:support")))).path("key").asText();
        Http.Response r = gw.http().get("/v1/prompts/support", Http.bearer(scoped));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("version").asInt()).isEqualTo(1);
        assertThat(r.json().path("labels").toString()).contains("production");
        assertThat(r.json().path("variables").toString()).contains("product", "tier", "question");
        String etag = r.header("etag");
        assertThat(etag).isNotBlank();
        assertThat(gw.http().get("/v1/prompts/support", Http.bearer(scoped, "if-none-match", etag)).status()).isEqualTo(304);
        assertThat(gw.http().get("/v1/prompts/support?label=latest", Http.bearer(scoped)).json().path("version").asInt())
                .isEqualTo(2);
        assertThat(gw.http().get("/v1/prompts/support", Http.bearer(key)).status()).as("no scope").isEqualTo(403);
    }
}
