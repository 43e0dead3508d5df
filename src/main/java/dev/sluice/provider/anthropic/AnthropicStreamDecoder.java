package dev.sluice.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkChoice;
import dev.sluice.api.Delta;
import dev.sluice.api.ToolCallDelta;
import dev.sluice.provider.SseChunkDecoder;
import dev.sluice.provider.SseReader;
import dev.sluice.provider.UpstreamException;
import dev.sluice.provider.UpstreamHttp;
import dev.sluice.provider.anthropic.AnthropicWire.AnthropicUsage;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an Anthropic Messages SSE stream into canonical chunks, one upstream event at a time.
 *
 * <ul>
 *   <li>{@code message_start} → a chunk with {@code role: assistant} (id, model and input usage remembered)</li>
 *   <li>{@code content_block_start} of a {@code tool_use} → a tool call delta with id, name and empty
 *       arguments; tool blocks are numbered from 0 in the order they start</li>
 *   <li>{@code content_block_delta}: {@code text_delta} → content; {@code input_json_delta} → an
 *       arguments fragment of that block's tool call</li>
 *   <li>{@code content_block_stop} of a tool block that received no arguments → arguments "{}"
 *       (so clients never see an empty arguments string)</li>
 *   <li>{@code message_delta} → a chunk with the finish reason, then the usage chunk (no choices)</li>
 *   <li>{@code message_stop} → end of stream; {@code ping}, thinking and unknown events → nothing</li>
 *   <li>{@code error} → a classified {@link UpstreamException}; the body ending before
 *       {@code message_stop} → {@link ErrorClass#CONNECTION}</li>
 * </ul>
 *
 * Each event yields at most two chunks (only message_delta yields two), so at most one waits.
 */
final class AnthropicStreamDecoder extends SseChunkDecoder {
    private static final Delta EMPTY = new Delta(null, null, List.of(), null);
    private static final Delta ROLE = new Delta("assistant", "", List.of(), null);

    private final Clock clock;

    private String id = "";
    private String model;
    private long created;
    private AnthropicUsage usage = AnthropicUsage.NONE;
    /** Tool blocks by Anthropic content block index. */
    private final Map<Integer, ToolBlock> toolBlocks = new HashMap<>();
    private ChatChunk pending;

    private static final class ToolBlock {
        final int toolIndex;
        boolean hasArguments;

        ToolBlock(int toolIndex) {
            this.toolIndex = toolIndex;
        }
    }

    AnthropicStreamDecoder(String provider, String model, UpstreamHttp http, UpstreamHttp.Response response,
                           Clock clock) {
        super(provider, http, response);
        this.model = model;
        this.clock = clock;
        this.created = clock.instant().getEpochSecond();
    }

    @Override
    protected ChatChunk advance(boolean block) {
        if (pending != null) {
            ChatChunk chunk = pending;
            pending = null;
            return chunk;
        }
        while (!finished) {
            int found = readInPlace(block);
            if (found == SseReader.PENDING_IN_PLACE) {
                return PENDING;
            }
            if (found == SseReader.ENDED) {
                finished = true;
                throw endedEarly();
            }
            ChatChunk chunk = translate(parseEventObject(), eventName());
            if (chunk != null) {
                return chunk;
            }
        }
        return null;
    }

    /** The chunk for one event, or null when the event has nothing for the client. */
    private ChatChunk translate(JsonNode node, String eventName) {
        String type = node.path("type").asText(eventName == null ? "" : eventName);
        switch (type) {
            case AnthropicWire.MESSAGE_START -> {
                JsonNode message = node.path("message");
                id = message.path("id").asText(id);
                model = message.path("model").asText(model);
                created = clock.instant().getEpochSecond();
                usage = AnthropicUsage.read(message.get("usage"));
                return chunk(ROLE, null);
            }
            case AnthropicWire.CONTENT_BLOCK_START -> {
                JsonNode block = node.path("content_block");
                switch (block.path("type").asText()) {
                    case AnthropicWire.TOOL_USE -> {
                        ToolBlock tool = new ToolBlock(toolBlocks.size());
                        toolBlocks.put(node.path("index").asInt(), tool);
                        return toolChunk(new ToolCallDelta(tool.toolIndex, block.path("id").asText(),
                                block.path("name").asText(), ""));
                    }
                    case AnthropicWire.TEXT -> {
                        String text = block.path("text").asText("");
                        return text.isEmpty() ? null : chunk(Delta.text(text), null);
                    }
                    default -> {
                        return null; // thinking and server tool blocks have no canonical form
                    }
                }
            }
            case AnthropicWire.CONTENT_BLOCK_DELTA -> {
                JsonNode delta = node.path("delta");
                switch (delta.path("type").asText()) {
                    case AnthropicWire.TEXT_DELTA -> {
                        String text = delta.path("text").asText("");
                        return text.isEmpty() ? null : chunk(Delta.text(text), null);
                    }
                    case AnthropicWire.INPUT_JSON_DELTA -> {
                        ToolBlock tool = toolBlocks.get(node.path("index").asInt());
                        if (tool == null) {
                            throw malformed("tool input for content block " + node.path("index").asInt()
                                    + ", which did not start as a tool_use block", null);
                        }
                        String fragment = delta.path("partial_json").asText("");
                        if (fragment.isEmpty()) {
                            return null;
                        }
                        tool.hasArguments = true;
                        return toolChunk(new ToolCallDelta(tool.toolIndex, null, null, fragment));
                    }
                    default -> {
                        return null; // thinking_delta, signature_delta, citations_delta
                    }
                }
            }
            case AnthropicWire.CONTENT_BLOCK_STOP -> {
                ToolBlock tool = toolBlocks.get(node.path("index").asInt());
                if (tool == null || tool.hasArguments) {
                    return null;
                }
                tool.hasArguments = true;
                return toolChunk(new ToolCallDelta(tool.toolIndex, null, null, "{}"));
            }
            case AnthropicWire.MESSAGE_DELTA -> {
                usage = usage.updatedBy(AnthropicUsage.read(node.get("usage")));
                JsonNode stop = node.path("delta").get("stop_reason");
                String finish = AnthropicWire.finishReason(stop == null || stop.isNull() ? null : stop.asText());
                pending = new ChatChunk(id, created, model, List.of(), usage.toCanonical(), null);
                return chunk(EMPTY, finish);
            }
            case AnthropicWire.MESSAGE_STOP -> {
                finished = true;
                return null;
            }
            case AnthropicWire.ERROR -> {
                finished = true;
                throw AnthropicErrors.fromErrorEvent(provider, node);
            }
            default -> {
                return null; // ping, and event types added after this code was written
            }
        }
    }

    private ChatChunk chunk(Delta delta, String finishReason) {
        return new ChatChunk(id, created, model, List.of(new ChunkChoice(0, delta, finishReason)), null, null);
    }

    private ChatChunk toolChunk(ToolCallDelta call) {
        return chunk(new Delta(null, null, List.of(call), null), null);
    }

    @Override
    public void close() {
        pending = null;
        super.close();
    }
}
