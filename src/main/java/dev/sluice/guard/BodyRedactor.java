package dev.sluice.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.guard.pii.PiiScanner;
import dev.sluice.guard.secrets.SecretsScanner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Masks PII and secrets in request and response bodies before they are stored (body capture), with
 * the same validated detectors as the guardrails: emails, phone numbers, card numbers (Luhn), IBANs,
 * US SSNs, IP addresses, and every built-in secret format. Masks name the kind ({@code [EMAIL]},
 * {@code [AWS_ACCESS_KEY]}) and are never reversible: the original is gone before it reaches disk.
 */
public final class BodyRedactor {
    private static final ScanContext CONTEXT = ScanContext.of(Direction.INPUT, "user");
    private final List<Scanner> scanners;

    private BodyRedactor(List<Scanner> scanners) {
        this.scanners = scanners;
    }

    /** All built-in PII entities (phone numbers of the given regions) and all built-in secrets. */
    public static BodyRedactor standard(List<String> phoneRegions) {
        return new BodyRedactor(List.of(
                SecretsScanner.of(List.of(), List.of()),
                PiiScanner.of(List.of("email", "iban", "credit_card", "us_ssn", "ip_address", "phone"), phoneRegions,
                        List.of())));
    }

    /** The text with every finding masked; the same instance when nothing was found. */
    public String redact(String text) {
        if (text.isEmpty()) {
            return text;
        }
        List<Redactor.Span> spans = new ArrayList<>(0);
        for (Scanner s : scanners) {
            for (Finding f : s.scan(text, CONTEXT)) {
                if (f.isSpan()) {
                    spans.add(new Redactor.Span(f, s));
                }
            }
        }
        if (spans.isEmpty()) {
            return text;
        }
        // secrets come first in the list and win overlaps with PII (a key that looks like a phone number)
        spans.sort(Comparator.comparingInt((Redactor.Span s) -> s.finding().start()));
        return Redactor.apply(text, Redactor.dropOverlaps(spans), null);
    }

    /** Masks every string value of a JSON tree in place (keys are left alone) and returns it. */
    public JsonNode redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode value = field.getValue();
                if (value.isTextual()) {
                    String masked = redact(value.textValue());
                    if (!masked.equals(value.textValue())) {
                        field.setValue(TextNode.valueOf(masked));
                    }
                } else {
                    redact(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                if (value.isTextual()) {
                    array.set(i, TextNode.valueOf(redact(value.textValue())));
                } else {
                    redact(value);
                }
            }
        }
        return node;
    }
}
