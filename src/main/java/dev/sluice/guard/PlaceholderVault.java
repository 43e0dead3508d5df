package dev.sluice.guard;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reversible placeholders of one request: each distinct redacted value gets {@code [TYPE_n]}
 * (the same value always the same placeholder), and the answer has them put back. Lives only as
 * long as the request; nothing is stored.
 */
public final class PlaceholderVault {
    static final Pattern PLACEHOLDER = Pattern.compile("\\[([A-Z][A-Z0-9_]*?)_(\\d{1,4})\\]");
    private final Map<String, String> byValue = new LinkedHashMap<>();
    private final Map<String, String> byPlaceholder = new LinkedHashMap<>();
    private final Map<String, Integer> counters = new LinkedHashMap<>();

    public String placeholder(String type, String value) {
        String existing = byValue.get(value);
        if (existing != null) {
            return existing;
        }
        String upper = type.toUpperCase(Locale.ROOT);
        int n = counters.merge(upper, 1, Integer::sum);
        String p = "[" + upper + "_" + n + "]";
        byValue.put(value, p);
        byPlaceholder.put(p, value);
        return p;
    }

    public boolean isEmpty() {
        return byPlaceholder.isEmpty();
    }

    /** The text with every known placeholder replaced by its original value. */
    public String restore(String text) {
        if (text == null || text.indexOf('[') < 0) {
            return text;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = null;
        int last = 0;
        while (m.find()) {
            String original = byPlaceholder.get(m.group());
            if (original != null) {
                if (sb == null) {
                    sb = new StringBuilder(text.length() + 32);
                }
                sb.append(text, last, m.start()).append(original);
                last = m.end();
            }
        }
        if (sb == null) {
            return text;
        }
        return sb.append(text, last, text.length()).toString();
    }
}
