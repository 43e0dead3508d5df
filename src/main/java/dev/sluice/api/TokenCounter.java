package dev.sluice.api;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sluice.tokens.O200k;

/**
 * Counts tokens with OpenAI's o200k_base encoding: exactly jtokkit's count ({@link O200k}, without its regex),
 * exact for OpenAI's current models, a close estimate for others. The ranks load on first use, not at start-up;
 * jtokkit's own encoding only if something truncates text to a token budget (the simulator).
 */
public final class TokenCounter {
    /** Per-message framing tokens in OpenAI's chat format (role markers, separators). */
    private static final int PER_MESSAGE = 3;
    private static final int REPLY_PRIMING = 3;

    private TokenCounter() {}

    private static final class Holder {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    public static int count(String text) {
        return O200k.count(text);
    }

    /** Prompt tokens of a chat request, counted the way OpenAI bills them. */
    public static int countPrompt(ChatRequest request) {
        int total = REPLY_PRIMING;
        for (ChatMessage m : request.messages()) {
            total += PER_MESSAGE + count(m.role()) + count(m.text());
            if (m.name() != null) {
                total += 1 + count(m.name());
            }
            for (ToolCall call : m.toolCalls()) {
                total += PER_MESSAGE + count(call.name()) + count(call.arguments());
            }
        }
        for (Tool tool : request.tools()) {
            total += PER_MESSAGE + count(tool.name()) + count(tool.description())
                    + (tool.parameters() == null ? 0 : count(tool.parameters().toString()));
        }
        return total;
    }

    /** The longest prefix of {@code text} within {@code maxTokens} tokens, cut at a token boundary (jtokkit). */
    public static String truncate(String text, int maxTokens) {
        var tokens = Holder.ENCODING.encode(text, maxTokens);
        return Holder.ENCODING.decode(tokens.getTokens());
    }
}
