package dev.sluice.bench.transport;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The gateway's transport until this comparison: Helidon SE's server (a virtual thread per request)
 * and its blocking WebClient (pooled keep-alive connections) for the upstream hop.
 * Args: PORT SIM_PORT.
 */
public final class HelidonProxy {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int simPort = Integer.parseInt(args[1]);
        WebClient client = WebClient.builder().baseUri("http://127.0.0.1:" + simPort + "/")
                .socketOptions(o -> o.tcpNoDelay(true)).shareConnectionCache(false).connectionCacheSize(1024).build();
        WebServer.builder().host("127.0.0.1").port(port).shutdownHook(false)
                .connectionOptions(s -> s.tcpNoDelay(true))
                .routing(HttpRouting.builder().post("/v1/chat/completions", (req, res) -> {
                    byte[] body = Rewrite.json(req.content().as(byte[].class));
                    var out = client.post("v1/chat/completions").readTimeout(Duration.ofMinutes(5))
                            .header(HeaderNames.CONTENT_TYPE, "application/json");
                    req.headers().forEach(h -> {
                        if (h.name().startsWith("x-sim-")) {
                            out.header(h);
                        }
                    });
                    try (HttpClientResponse up = out.submit(body)) {
                        res.status(Status.create(up.status().code()));
                        String type = up.headers().first(HeaderNames.CONTENT_TYPE).orElse("application/json");
                        res.header(HeaderNames.CONTENT_TYPE, type);
                        if (type.startsWith("text/event-stream")) {
                            byte[] buf = new byte[8192];
                            try (InputStream in = up.inputStream(); OutputStream o = res.outputStream()) {
                                for (int n; (n = in.read(buf)) > 0; ) {
                                    o.write(buf, 0, n);
                                    o.flush();
                                }
                            }
                        } else {
                            res.send(Rewrite.json(up.inputStream().readAllBytes()));
                        }
                    }
                }).get("/v1/models", (req, res) -> res.send("{}"))).build().start();
        System.out.println("helidon proxy on " + port);
    }
}
