package dev.sluice.guard;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a scanner may need to know about the request besides the text it scans: the system
 * prompt and its canary (leakage), the context documents (groundedness), which role the text came
 * from, and the request id (for the judge's own sub-request).
 *
 * @param role             role of the scanned message: user, tool, assistant, system; "context" for
 *                         documents; "output" for the answer
 * @param systemPrompt     the system/developer instructions without the canary line, "" when none
 * @param canary           the canary token planted in the system prompt, or null
 * @param contextDocuments documents the request supplied as grounding (see {@link RequestView})
 * @param responseFormat   the request's {@code response_format}, or null
 */
public record ScanContext(Direction direction, String role, String requestId, String model, String systemPrompt,
                          String canary, List<String> contextDocuments, JsonNode responseFormat) {

    public ScanContext {
        systemPrompt = systemPrompt == null ? "" : systemPrompt;
        contextDocuments = contextDocuments == null ? List.of() : List.copyOf(contextDocuments);
    }

    /** A context for scanning a bare text (evaluation, benchmarks). */
    public static ScanContext of(Direction direction, String role) {
        return new ScanContext(direction, role, "eval", null, "", null, List.of(), null);
    }

    public ScanContext withRole(String newRole) {
        return new ScanContext(direction, newRole, requestId, model, systemPrompt, canary, contextDocuments, responseFormat);
    }

    /** True for content the application did not write itself: user turns, tool results, documents. */
    public boolean untrusted() {
        return switch (role) {
            case "user", "tool", "function", "context" -> true;
            default -> false;
        };
    }
}
