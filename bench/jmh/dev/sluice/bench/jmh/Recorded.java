package dev.sluice.bench.jmh;

import dev.sluice.sim.SimOptions;
import dev.sluice.sim.Simulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Bodies recorded once from the built-in simulator, then replayed from memory by the benchmarks. */
final class Recorded {
    static final String CHAT_REQUEST = """
            {"model":"gpt-4o-mini","temperature":0,"max_tokens":256,"messages":[
            {"role":"system","content":"You are a helpful assistant for a travel agency. Answer briefly."},
            {"role":"user","content":"Summarise the benefits of an LLM gateway in two sentences."}],
            "tools":[{"type":"function","function":{"name":"lookup_booking","description":"Find a booking",
            "parameters":{"type":"object","properties":{"reference":{"type":"string"}},"required":["reference"]}}}]}""";

    private Recorded() {}

    /** POSTs to a fresh simulator and returns the body bytes (an SSE body when the request streams). */
    static byte[] record(String path, String body, int tokens) throws Exception {
        try (Simulator sim = Simulator.start(SimOptions.defaults())) {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.port() + path))
                    .header("content-type", "application/json").header("x-api-key", "sk-bench")
                    .header("anthropic-version", "2023-06-01").header("x-sim-tokens", Integer.toString(tokens))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<byte[]> res = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + res.statusCode() + ": " + new String(res.body()));
            }
            return res.body();
        }
    }
}
