package dev.sluice.guard;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkChoice;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Delta;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts input placeholders back into a streamed answer. A placeholder can arrive split over chunks
 * ({@code "[EMA"}, {@code "IL_1]"}), so text from an unclosed {@code [} is held until it closes or
 * grows too long to be a placeholder.
 */
final class RestoringStream implements ChunkStream {
    private static final int MAX_PLACEHOLDER = 40;
    private final ChunkStream delegate;
    private final PlaceholderVault vault;
    private final Map<Integer, StringBuilder> held = new HashMap<>();
    private ChatChunk last;
    private boolean flushed;

    RestoringStream(ChunkStream delegate, PlaceholderVault vault) {
        this.delegate = delegate;
        this.vault = vault;
    }

    @Override
    public ChatChunk next() {
        ChatChunk chunk = delegate.next();
        if (chunk == null) {
            return flushHeld();
        }
        last = chunk;
        List<ChunkChoice> choices = new ArrayList<>(chunk.choices().size());
        boolean changed = false;
        for (ChunkChoice c : chunk.choices()) {
            String content = c.delta().content();
            if (content == null) {
                choices.add(c);
                continue;
            }
            StringBuilder buffer = held.computeIfAbsent(c.index(), k -> new StringBuilder());
            buffer.append(content);
            int cut = buffer.length();
            if (c.finishReason() == null) {
                int open = buffer.lastIndexOf("[");
                if (open >= 0 && buffer.indexOf("]", open) < 0 && buffer.length() - open < MAX_PLACEHOLDER) {
                    cut = open;
                }
            }
            String out = vault.restore(buffer.substring(0, cut));
            buffer.delete(0, cut);
            Delta d = c.delta();
            choices.add(new ChunkChoice(c.index(), new Delta(d.role(), out, d.toolCalls(), d.refusal()), c.finishReason()));
            changed = true;
        }
        return changed ? new ChatChunk(chunk.id(), chunk.created(), chunk.model(), choices, chunk.usage(),
                chunk.systemFingerprint()) : chunk;
    }

    /** Text still held when the stream ended without a finish reason. */
    private ChatChunk flushHeld() {
        if (flushed || last == null) {
            return null;
        }
        flushed = true;
        List<ChunkChoice> choices = new ArrayList<>();
        held.forEach((index, buffer) -> {
            if (!buffer.isEmpty()) {
                choices.add(new ChunkChoice(index, Delta.text(vault.restore(buffer.toString())), null));
            }
        });
        held.clear();
        return choices.isEmpty() ? null : new ChatChunk(last.id(), last.created(), last.model(), choices, null,
                last.systemFingerprint());
    }

    @Override
    public void close() {
        delegate.close();
    }
}
