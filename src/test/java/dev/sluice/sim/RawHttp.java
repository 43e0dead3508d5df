package dev.sluice.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 exchange over a bare socket, returning every byte the server sent until its
 * chunked body ended or it closed the connection: lets a test see a response exactly as it was on the wire (chunk sizes,
 * a missing terminating chunk), which an HTTP client would hide.
 */
final class RawHttp {
    private RawHttp() {}

    private static final String LAST_CHUNK = "0\r\n\r\n";

    /**
     * @param complete whether a chunked body ended with its terminating chunk
     * @param closed   whether the server closed the connection (rather than the read timing out)
     */
    record Exchange(String bytes, boolean complete, boolean closed) {}

    static Exchange post(Simulator sim, String path, String json, String... headers) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder()
                .append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", sim.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            boolean closed = true;
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                    if (received.toString(StandardCharsets.US_ASCII).endsWith(LAST_CHUNK)) {
                        return new Exchange(received.toString(StandardCharsets.UTF_8), true, false);
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                closed = false;
            } catch (IOException reset) {
                // a reset (RST) also ends the exchange: keep what arrived before it
            }
            return new Exchange(received.toString(StandardCharsets.UTF_8), false, closed);
        }
    }
}
