package dev.sluice.abuse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A corpus of hostile JSON, written as raw JSON text so it can be anything a client may send: wrong
 * types, huge and odd strings, unicode that breaks naive code (NUL, lone surrogates, bidi overrides),
 * injection-shaped text, extreme numbers and deep nesting; and whole bodies that are not the JSON
 * an endpoint expects at all. Seeded, so a failure replays.
 */
final class HostileValues {
    private HostileValues() {}

    /** Field values, by a name that says what each is (for failure messages). */
    static Map<String, String> values() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("empty string", "\"\"");
        v.put("100 KB string", quoted("a".repeat(100_000)));
        v.put("odd unicode", "\"\\u0000\\ud800\\udfff\\ud800x\\u202e\\ufeff\\u200b𝕏 زمان \\r\\nX-Injected: 1\"");
        v.put("path traversal", "\"../../../../etc/passwd%00\"");
        v.put("template and lookup", "\"${jndi:ldap://127.0.0.1/a}{{7*7}}<%= 7*7 %>\"");
        v.put("sql", "\"' OR '1'='1'; DROP TABLE request_log; --\"");
        v.put("integer", "1");
        v.put("negative", "-1");
        v.put("huge number", "1e400");
        v.put("long overflow", "-92233720368547758090");
        v.put("fraction", "0.000000001");
        v.put("boolean", "true");
        v.put("null", "null");
        v.put("empty array", "[]");
        v.put("empty object", "{}");
        v.put("operator object", "{\"$gt\":\"\",\"__proto__\":{\"admin\":true}}");
        v.put("array of objects", "[{\"a\":1},{\"b\":[1,2,{\"c\":null}]}]");
        v.put("deep nesting", "[".repeat(300) + "]".repeat(300));
        v.put("10k keys", manyKeys(10_000));
        return v;
    }

    /** Bodies that are not a JSON object of the expected shape. */
    static Map<String, byte[]> bodies(Random random) {
        Map<String, byte[]> b = new LinkedHashMap<>();
        b.put("no body", new byte[0]);
        b.put("truncated", "{\"model\":\"gpt-4o-mini\",\"messages\":[".getBytes());
        b.put("json null", "null".getBytes());
        b.put("json array", "[1,2,3]".getBytes());
        b.put("json string", "\"hello\"".getBytes());
        b.put("duplicate keys", "{\"model\":\"a\",\"model\":\"b\",\"messages\":[],\"messages\":{}}".getBytes());
        b.put("deep object nesting", ("{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000)).getBytes());
        b.put("trailing garbage", "{}{}]]]".getBytes());
        b.put("invalid utf-8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'});
        byte[] noise = new byte[64 * 1024];
        random.nextBytes(noise);
        b.put("random bytes", noise);
        return b;
    }

    static String quoted(String s) {
        return "\"" + s + "\"";
    }

    private static String manyKeys(int n) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        return sb.append('}').toString();
    }

    /** A JSON object from raw field texts, in order. */
    static String object(Map<String, String> fields) {
        List<String> parts = new ArrayList<>();
        fields.forEach((k, v) -> parts.add(quoted(k) + ":" + v));
        return "{" + String.join(",", parts) + "}";
    }
}
