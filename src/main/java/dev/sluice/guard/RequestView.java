package dev.sluice.guard;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How guardrails read a chat request. Roles: {@code system}/{@code developer} messages are the
 * application's instructions (trusted, used for leakage checks); {@code user} turns; {@code tool}
 * results; {@code assistant} history. <b>Context documents</b> (for groundedness, and scanned as
 * possible indirect injection) are every {@code tool} message and every message whose {@code name}
 * is {@code context} or starts with {@code context} (e.g. {@code {"role": "user", "name":
 * "context:doc-17", "content": "..."}}).
 */
public record RequestView(String systemPrompt, String canary, List<String> contextDocuments, List<String> roles) {

    public static RequestView of(ChatRequest request) {
        StringBuilder system = new StringBuilder();
        String canary = null;
        List<String> docs = new ArrayList<>();
        List<String> roles = new ArrayList<>(request.messages().size());
        for (ChatMessage m : request.messages()) {
            String role = role(m);
            roles.add(role);
            if (Canary.isInstruction(m)) {
                String text = m.text();
                if (canary == null) {
                    canary = Canary.find(text);
                }
                if (!system.isEmpty()) {
                    system.append('\n');
                }
                system.append(Canary.strip(text));
            } else if (role.equals("tool") || role.equals("context")) {
                docs.add(m.text());
            }
        }
        return new RequestView(system.toString(), canary, docs, roles);
    }

    /** The role guardrails see: {@code context} for messages named context*, else the message's role. */
    public static String role(ChatMessage m) {
        String name = m.name();
        if (name != null && name.toLowerCase(Locale.ROOT).startsWith("context") && !Canary.isInstruction(m)) {
            return "context";
        }
        return m.role() == null ? "user" : m.role().equals("function") ? "tool" : m.role();
    }
}
