package dev.sluice.server;

import dev.sluice.api.ErrorCodec;
import dev.sluice.api.SluiceException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Small HTTP helpers shared by the endpoints: bounded body reads, headers, ids, error replies. */
final class HttpIo {
    static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    static final HeaderName RETRY_AFTER = HeaderNames.create("retry-after");
    static final HeaderName RETRY_AFTER_MS = HeaderNames.create("retry-after-ms");
    private static final int MAX_REQUEST_ID = 128;

    private HttpIo() {}

    /** Reads the body, refusing (413) anything over {@code limit} bytes, declared or not. */
    static byte[] readBody(ServerRequest req, long limit) {
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > limit) {
            throw SluiceException.tooLarge(limit);
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (body.length > limit) {
                throw SluiceException.tooLarge(limit);
            }
            return body;
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw SluiceException.invalidRequest(null, "The body is marked Content-Encoding: gzip but does not inflate: "
                    + e.getMessage() + ".");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Request headers with lower-case names (first value of each). */
    static Map<String, String> headers(ServerRequest req) {
        Map<String, String> out = new HashMap<>(32);
        req.headers().forEach(h -> out.putIfAbsent(h.name().toLowerCase(Locale.ROOT), h.get()));
        return out;
    }

    /** The id the request-id filter put on this response. */
    static String requestId(ServerResponse res) {
        return res.headers().first(REQUEST_ID).orElseGet(() -> requestId((String) null));
    }

    /** The client's x-request-id when it is sane, else a new random one. */
    static String requestId(String given) {
        if (given != null && !given.isEmpty() && given.length() <= MAX_REQUEST_ID && given.chars().allMatch(c -> c > 32 && c < 127)) {
            return given;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextInt() | Integer.MIN_VALUE);
    }

    /** The session a request belongs to: {@code x-sluice-session}, if sane. */
    static String session(Map<String, String> headers) {
        String s = headers.get("x-sluice-session");
        return s == null || s.isBlank() || s.length() > 256 ? null : s.strip();
    }

    /**
     * Tags for analytics: the request's {@code metadata} (chat) and {@code x-sluice-tags}
     * ({@code team=search,feature=answers}); the header wins on a clash.
     */
    static Map<String, String> tags(Map<String, String> headers, dev.sluice.pipeline.Exchange ex) {
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        if (ex.operation() == dev.sluice.pipeline.Exchange.Operation.CHAT) {
            tags.putAll(ex.chat().metadata());
        }
        String header = headers.get("x-sluice-tags");
        if (header != null) {
            for (String pair : header.split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && eq < pair.length() - 1 && tags.size() < 32) {
                    tags.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
                }
            }
        }
        return tags;
    }

    static void sendJson(ServerResponse res, int status, byte[] body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }

    /** An OpenAI-format error, with Retry-After when the error carries one. */
    static void sendError(ServerResponse res, SluiceException e) {
        if (e.retryAfter() != null) {
            long millis = e.retryAfter().toMillis();
            res.header(RETRY_AFTER, Long.toString((millis + 999) / 1000));
            res.header(RETRY_AFTER_MS, Long.toString(millis));
        }
        sendJson(res, e.status(), ErrorCodec.write(e));
    }
}
