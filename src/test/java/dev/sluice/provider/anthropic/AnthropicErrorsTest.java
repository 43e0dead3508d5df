package dev.sluice.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Anthropic error bodies are classified for retries, fallbacks and clients")
class AnthropicErrorsTest {

    @ParameterizedTest(name = "HTTP {0} {1} → {3} (client sees {4})")
    @CsvSource(delimiter = '|', value = {
            "429 | rate_limit_error      | Number of request tokens has exceeded your per-minute rate limit | RATE_LIMITED   | 429",
            "529 | overloaded_error      | Overloaded                                                        | SERVER_ERROR   | 502",
            "429 | overloaded_error      | Overloaded                                                        | SERVER_ERROR   | 502",
            "500 | api_error             | Internal server error                                             | SERVER_ERROR   | 502",
            "504 | timeout_error         | Request timed out                                                 | TIMEOUT        | 504",
            "401 | authentication_error  | invalid x-api-key                                                 | AUTH           | 401",
            "403 | permission_error      | Your API key does not have permission to use the specified resource. | AUTH    | 403",
            "402 | billing_error         | Your credit balance is too low                                    | AUTH           | 402",
            "400 | invalid_request_error | prompt is too long: 210000 tokens > 200000 maximum                | CONTEXT_LENGTH | 400",
            "400 | invalid_request_error | input length and `max_tokens` exceed context limit: 198000 + 8192 > 200000 | CONTEXT_LENGTH | 400",
            "400 | invalid_request_error | messages.1.content: tool_use ids must be unique                   | BAD_REQUEST    | 400",
            "404 | not_found_error       | model: claude-nonexistent                                         | BAD_REQUEST    | 404",
            "413 | request_too_large     | Request exceeds the maximum allowed number of bytes.              | BAD_REQUEST    | 413"})
    @DisplayName("the error type decides the class")
    void byType(int status, String type, String message, ErrorClass expected, int clientStatus) {
        UpstreamException e = AnthropicErrors.fromBody("claude", status, body(type, message), null);

        assertThat(e.errorClass()).isEqualTo(expected);
        assertThat(e.status()).isEqualTo(clientStatus);
        assertThat(e.upstreamStatus()).isEqualTo(status);
        assertThat(e.provider()).isEqualTo("claude");
        assertThat(e.getMessage()).contains(message);
    }

    @Test
    @DisplayName("a rate limit keeps its Retry-After")
    void retryAfter() {
        UpstreamException e = AnthropicErrors.fromBody("claude", 429, body("rate_limit_error", "slow down"),
                Duration.ofSeconds(7));

        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(e.type()).isEqualTo("rate_limit_error");
    }

    @Test
    @DisplayName("an authentication error tells the operator to check the gateway's api_key")
    void authMessage() {
        UpstreamException e = AnthropicErrors.fromBody("claude", 401, body("authentication_error", "invalid x-api-key"), null);

        assertThat(e.getMessage()).contains("'claude'").contains("api_key");
        assertThat(e.errorClass().retryable()).isFalse();
    }

    @ParameterizedTest(name = "HTTP {0} → {2}")
    @CsvSource(delimiter = '|', value = {
            "502 | <html><body>Bad gateway</body></html> | SERVER_ERROR",
            "503 | ''                                    | SERVER_ERROR",
            "429 | too many requests                     | RATE_LIMITED",
            "400 | {\"message\":\"bad\"}                 | BAD_REQUEST"})
    @DisplayName("a body without Anthropic's error shape is classified by status")
    void notAnthropicShaped(int status, String body, ErrorClass expected) {
        UpstreamException e = AnthropicErrors.fromBody("claude", status, body.getBytes(StandardCharsets.UTF_8), null);

        assertThat(e.errorClass()).isEqualTo(expected);
    }

    @Test
    @DisplayName("an error event in a 200 stream is recorded with the status Anthropic uses for its type")
    void errorEvent() {
        UpstreamException e = AnthropicErrors.fromErrorEvent("claude",
                Fixtures.parse("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));

        assertThat(e.errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
        assertThat(e.upstreamStatus()).isEqualTo(529);
        assertThat(e.errorClass().retryable()).isTrue();
    }

    private static byte[] body(String type, String message) {
        return ("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message.replace("\"", "\\\"")
                + "\"},\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}").getBytes(StandardCharsets.UTF_8);
    }
}
