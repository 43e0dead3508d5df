package dev.sluice.testing;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;

/** Streams a chat completion with the official OpenAI client and gathers what arrived. */
public final class OpenAiStreams {
    private OpenAiStreams() {}

    /**
     * @param text   the content deltas of every choice, in order
     * @param finish the last finish reason seen, or null
     * @param last   the last chunk (the usage chunk when usage was asked for)
     */
    public record Streamed(String text, String finish, ChatCompletionChunk last) {}

    /** One user message to {@code model}, streamed with {@code include_usage}. */
    public static Streamed streamWithUsage(OpenAIClient client, String model, String prompt) {
        StringBuilder text = new StringBuilder();
        ChatCompletionChunk[] last = new ChatCompletionChunk[1];
        String[] finish = new String[1];
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(model).addUserMessage(prompt)
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(c -> {
                last[0] = c;
                c.choices().forEach(ch -> {
                    ch.delta().content().ifPresent(text::append);
                    ch.finishReason().ifPresent(f -> finish[0] = f.asString());
                });
            });
        }
        return new Streamed(text.toString(), finish[0], last[0]);
    }
}
