package dev.sluice.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.SluiceException;
import dev.sluice.api.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides which offered tools the simulated model calls. With tool_choice "none": none. A named
 * function: that one. Otherwise the tools the last message mentions, when it is the user's
 * (case-insensitive, whole words, "get_weather" also as "get weather"); "required" falls back to
 * the first tool when none is mentioned. More than one mention gives parallel calls unless the
 * request turned parallel tool calls off.
 */
final class ToolSelector {
    private ToolSelector() {}

    static List<Tool> select(ChatRequest request) {
        List<Tool> tools = request.tools();
        if (tools.isEmpty()) {
            return List.of();
        }
        JsonNode choice = request.toolChoice();
        String mode = choice == null ? "auto" : choice.isTextual() ? choice.asText() : "function";
        if (mode.equals("none")) {
            return List.of();
        }
        if (mode.equals("function")) {
            String name = choice.path("function").path("name").asText();
            for (Tool tool : tools) {
                if (tool.name().equals(name)) {
                    return List.of(tool);
                }
            }
            throw SluiceException.invalidRequest("tool_choice", "tool_choice names the function '" + name
                    + "', but no tool with that name is offered in 'tools'.");
        }
        ChatMessage last = request.messages().getLast();
        List<Tool> mentioned = "user".equals(last.role()) ? mentioned(tools, last.text()) : List.of();
        if (mentioned.isEmpty() && mode.equals("required")) {
            return List.of(tools.getFirst());
        }
        boolean parallel = request.extra() == null || request.extra().path("parallel_tool_calls").asBoolean(true);
        return parallel || mentioned.size() <= 1 ? mentioned : mentioned.subList(0, 1);
    }

    static List<Tool> mentioned(List<Tool> tools, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<Tool> out = new ArrayList<>();
        for (Tool tool : tools) {
            String name = tool.name().toLowerCase(Locale.ROOT);
            if (containsWord(lower, name) || containsWord(lower, name.replace('_', ' ').replace('-', ' '))) {
                out.add(tool);
            }
        }
        return out;
    }

    /** Whether {@code word} occurs in {@code text} not glued to other letters or digits. */
    static boolean containsWord(String text, String word) {
        if (word.isEmpty()) {
            return false;
        }
        for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
            int end = at + word.length();
            if ((at == 0 || !isWordChar(text.charAt(at - 1))) && (end == text.length() || !isWordChar(text.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
