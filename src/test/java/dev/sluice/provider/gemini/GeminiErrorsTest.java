package dev.sluice.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.provider.ErrorClass;
import dev.sluice.provider.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Gemini error bodies are classified for retries, fallbacks and clients")
class GeminiErrorsTest {

    @ParameterizedTest(name = "HTTP {0} {1} → {3} (client sees {4})")
    @CsvSource(delimiter = '|', value = {
            "429 | RESOURCE_EXHAUSTED  | Resource has been exhausted (e.g. check quota).                                 | RATE_LIMITED   | 429",
            "503 | UNAVAILABLE         | The model is overloaded. Please try again later.                                | SERVER_ERROR   | 502",
            "500 | INTERNAL            | An internal error has occurred.                                                 | SERVER_ERROR   | 502",
            "504 | DEADLINE_EXCEEDED   | Deadline expired before operation could complete.                               | TIMEOUT        | 504",
            "403 | PERMISSION_DENIED   | Permission denied: Consumer has been suspended.                                 | AUTH           | 403",
            "401 | UNAUTHENTICATED     | Request had invalid authentication credentials.                                 | AUTH           | 401",
            "400 | INVALID_ARGUMENT    | The input token count (1200000) exceeds the maximum number of tokens allowed (1048576). | CONTEXT_LENGTH | 400",
            "400 | INVALID_ARGUMENT    | API key not valid. Please pass a valid API key.                                 | AUTH           | 400",
            "400 | INVALID_ARGUMENT    | * GenerateContentRequest.contents: contents is not specified                    | BAD_REQUEST    | 400",
            "400 | FAILED_PRECONDITION | User location is not supported for the API use.                                 | BAD_REQUEST    | 400",
            "404 | NOT_FOUND           | models/gemini-9 is not found for API version v1beta                             | BAD_REQUEST    | 404"})
    @DisplayName("the canonical error status decides the class")
    void byStatus(int status, String grpcStatus, String message, ErrorClass expected, int clientStatus) {
        UpstreamException e = GeminiErrors.fromBody("gemini", status, body(status, grpcStatus, message, ""), null);

        assertThat(e.errorClass()).isEqualTo(expected);
        assertThat(e.status()).isEqualTo(clientStatus);
        assertThat(e.upstreamStatus()).isEqualTo(status);
        assertThat(e.provider()).isEqualTo("gemini");
        assertThat(e.getMessage()).contains(message);
    }

    @Test
    @DisplayName("a bad key is told apart from other INVALID_ARGUMENTs by its ErrorInfo reason, and names the api_key to fix")
    void invalidKeyByReason() {
        String details = ",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\","
                + "\"domain\":\"googleapis.com\"}]";
        UpstreamException e = GeminiErrors.fromBody("gemini", 400, body(400, "INVALID_ARGUMENT", "Bad key.", details), null);

        assertThat(e.errorClass()).isEqualTo(ErrorClass.AUTH);
        assertThat(e.getMessage()).contains("'gemini'").contains("api_key");
        assertThat(e.errorClass().retryable()).isFalse();
    }

    @ParameterizedTest(name = "retryDelay {0} → {1} ms")
    @CsvSource({"7s, 7000", "0.5s, 500", "36000s, 600000"})
    @DisplayName("a rate limit's RetryInfo retryDelay is its Retry-After (capped like any Retry-After)")
    void retryInfo(String delay, long millis) {
        String details = ",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[]},"
                + "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"" + delay + "\"}]";
        UpstreamException e = GeminiErrors.fromBody("gemini", 429, body(429, "RESOURCE_EXHAUSTED", "quota", details),
                Duration.ofSeconds(99));

        assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(millis));
        assertThat(e.type()).isEqualTo("rate_limit_error");
    }

    @Test
    @DisplayName("without RetryInfo a rate limit keeps the Retry-After header's wait")
    void retryAfterHeader() {
        UpstreamException e = GeminiErrors.fromBody("gemini", 429, body(429, "RESOURCE_EXHAUSTED", "quota", ""),
                Duration.ofSeconds(3));

        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @ParameterizedTest(name = "HTTP {0} → {2}")
    @CsvSource(delimiter = '|', value = {
            "502 | <html><body>Bad gateway</body></html> | SERVER_ERROR",
            "503 | ''                                    | SERVER_ERROR",
            "429 | too many requests                     | RATE_LIMITED",
            "400 | {\"error\":{\"message\":\"bad\"}}     | BAD_REQUEST"})
    @DisplayName("a body without Google's error status is classified by HTTP status")
    void notGoogleShaped(int status, String body, ErrorClass expected) {
        UpstreamException e = GeminiErrors.fromBody("gemini", status, body.getBytes(StandardCharsets.UTF_8), null);

        assertThat(e.errorClass()).isEqualTo(expected);
    }

    @Test
    @DisplayName("an error answered as a JSON array (the non-SSE stream shape) is still read")
    void arrayBody() {
        byte[] body = ("[" + new String(body(503, "UNAVAILABLE", "overloaded", ""), StandardCharsets.UTF_8) + "]")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(GeminiErrors.fromBody("gemini", 503, body, null).errorClass()).isEqualTo(ErrorClass.SERVER_ERROR);
    }

    private static byte[] body(int code, String status, String message, String details) {
        return ("{\"error\":{\"code\":" + code + ",\"message\":\"" + message.replace("\"", "\\\"") + "\",\"status\":\""
                + status + "\"" + details + "}}").getBytes(StandardCharsets.UTF_8);
    }
}
