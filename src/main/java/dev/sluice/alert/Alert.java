package dev.sluice.alert;

import java.util.Map;

/**
 * Something an operator should know about.
 *
 * @param priority P1 (act now) to P3 (for information)
 * @param title    one line, e.g. "Budget 80% used: key key_ab12 (daily)"
 * @param message  what is wrong and where to look
 * @param details  structured fields added to the webhook body (e.g. status, rule, value); may be empty
 */
public record Alert(String priority, String title, String message, Map<String, Object> details) {
    public Alert {
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    public Alert(String priority, String title, String message) {
        this(priority, title, message, Map.of());
    }
}
