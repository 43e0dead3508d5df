package dev.sluice.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal keep-alive HTTP/1.1 client over one socket, for measuring microseconds: no pools, no
 * executors, no async hand-offs between threads, so the client adds as little as possible to what
 * is measured. It understands exactly what the servers under test send: content-length bodies and
 * chunked bodies (SSE streams).
 */
final class RawHttpClient implements AutoCloseable {
    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawHttpClient(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** What one exchange produced; times are System.nanoTime() values. */
    record Result(int status, long sentNanos, long firstBodyByteNanos, long firstDataEventNanos, long doneNanos,
                  int bodyBytes) {}

    Result post(String path, byte[] body, String[] headers) throws IOException {
        if (socket == null) {
            connect();
        }
        StringBuilder head = new StringBuilder(256).append("POST ").append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append(':').append(port).append("\r\nContent-Type: application/json\r\nContent-Length: ")
                .append(body.length).append("\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        head.append("\r\n");
        long sent = System.nanoTime();
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return readResponse(sent);
    }

    private Result readResponse(long sent) throws IOException {
        String status = readLine();
        if (status == null) {
            throw new IOException("connection closed before the status line");
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String line;
        while (!(line = readLine()).isEmpty()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim().toLowerCase();
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase().contains("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        long firstByte = 0;
        long firstData = 0;
        int total = 0;
        if (chunked) {
            while (true) {
                String sizeLine = readLine();
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    readLine();
                    break;
                }
                byte[] chunk = in.readNBytes(size);
                if (firstByte == 0) {
                    firstByte = System.nanoTime();
                }
                if (firstData == 0 && contains(chunk, "\"content\":\"") && !contains(chunk, "\"content\":\"\"")) {
                    firstData = System.nanoTime();
                }
                total += size;
                readLine();
            }
        } else if (length >= 0) {
            byte[] bodyBytes = in.readNBytes((int) length);
            firstByte = System.nanoTime();
            total = bodyBytes.length;
        }
        long done = System.nanoTime();
        if (close) {
            close();
        }
        return new Result(code, sent, firstByte, firstData == 0 ? firstByte : firstData, done, total);
    }

    private static boolean contains(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i <= haystack.length - n.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) b);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(60_000);
        in = new BufferedInputStream(socket.getInputStream(), 65536);
        out = socket.getOutputStream();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // benchmark teardown
            }
            socket = null;
        }
    }
}
