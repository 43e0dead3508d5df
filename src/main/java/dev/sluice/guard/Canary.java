package dev.sluice.guard;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The canary planted in the system prompt: a line {@code (ref: sluice-canary-<12 hex>)} appended to
 * the first system or developer message. The token is derived from the system prompt (SHA-256), so
 * the same prompt always gets the same canary: exact caches still hit, and the output guard can
 * find it again from the request alone, with no state kept between stages.
 */
public final class Canary {
    private static final String SALT = "sluice-canary-v1\n";
    private static final Pattern LINE = Pattern.compile("\n\n\\(ref: (sluice-canary-[0-9a-f]{12})\\)$");

    private Canary() {}

    /** The request with the canary planted, or unchanged when it has no system or developer message. */
    public static ChatRequest plant(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (isInstruction(m) && m.content() != null && m.content().isTextual()) {
                String text = m.content().asText();
                if (LINE.matcher(text).find()) {
                    return request;
                }
                List<ChatMessage> out = new ArrayList<>(messages);
                out.set(i, m.withContent(text + "\n\n(ref: " + token(text) + ")"));
                return request.withMessages(out);
            }
        }
        return request;
    }

    /** The canary in a system prompt text, or null. */
    public static String find(String systemText) {
        Matcher m = LINE.matcher(systemText);
        return m.find() ? m.group(1) : null;
    }

    /** The system prompt text without the canary line. */
    public static String strip(String systemText) {
        return LINE.matcher(systemText).replaceFirst("");
    }

    static String token(String systemPrompt) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((SALT + systemPrompt).getBytes(StandardCharsets.UTF_8));
            return "sluice-canary-" + HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isInstruction(ChatMessage m) {
        return "system".equals(m.role()) || "developer".equals(m.role());
    }
}
