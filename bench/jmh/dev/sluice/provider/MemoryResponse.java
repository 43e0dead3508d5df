package dev.sluice.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.Json;
import java.io.ByteArrayInputStream;
import java.io.InputStream;

/**
 * Benchmark-only: an upstream response replayed from memory (recorded simulator bytes), so the
 * stream decoders can be measured without a socket. Lives in bench/, not in the gateway.
 */
public final class MemoryResponse implements UpstreamHttp.Response {
    private final byte[] body;

    public MemoryResponse(byte[] body) {
        this.body = body;
    }

    @Override
    public int status() {
        return 200;
    }

    @Override
    public String header(String name) {
        return null;
    }

    @Override
    public InputStream body() {
        return new ByteArrayInputStream(body);
    }

    @Override
    public byte[] readAll() {
        return body.clone();
    }

    @Override
    public JsonNode readJsonObject() {
        return Json.parse(body);
    }

    @Override
    public void close() {}
}
