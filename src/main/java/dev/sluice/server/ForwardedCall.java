package dev.sluice.server;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request handed on to the route of another path, with another bearer token, answered on the
 * original request: how the dashboard's {@code /ui/api/…} becomes {@code /admin/…} with the admin
 * key of the browser's session, so the admin API's own checks (roles, team scoping, validation,
 * audit) decide, and nothing is answered twice. The body, query, method and response are the
 * original request's; cookies are not passed on (the target authenticates by its bearer only).
 */
public final class ForwardedCall extends HttpCall {
    private final HttpCall outer;
    private final String rawPath;
    private final String path;
    private final String authorization;

    /**
     * @param fromPrefix  the start of the original path that is replaced ({@code /ui/api/})
     * @param toPrefix    what replaces it ({@code /admin/}); the rest of the path, raw and decoded, is kept
     * @param bearerToken the {@code Authorization: Bearer} token the target's guard resolves
     */
    public ForwardedCall(HttpCall outer, String fromPrefix, String toPrefix, String bearerToken) {
        if (!outer.rawPath().startsWith(fromPrefix) || !outer.path().startsWith(fromPrefix)) {
            throw new IllegalArgumentException("the path " + outer.rawPath() + " does not start with " + fromPrefix);
        }
        this.outer = outer;
        this.rawPath = toPrefix + outer.rawPath().substring(fromPrefix.length());
        this.path = toPrefix + outer.path().substring(fromPrefix.length());
        this.authorization = "Bearer " + bearerToken;
    }

    @Override
    public String method() {
        return outer.method();
    }

    @Override
    public long receivedNanos() {
        return outer.receivedNanos();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String rawPath() {
        return rawPath;
    }

    @Override
    public String queryString() {
        return outer.queryString();
    }

    @Override
    public String query(String name) {
        return outer.query(name);
    }

    @Override
    public List<String> queryAll(String name) {
        return outer.queryAll(name);
    }

    @Override
    public String remoteAddress() {
        return outer.remoteAddress();
    }

    @Override
    public String header(String lowerCaseName) {
        return switch (lowerCaseName) {
            case "authorization" -> authorization;
            case "cookie" -> null;
            case HttpIo.REQUEST_ID -> outer.requestId();
            default -> outer.header(lowerCaseName);
        };
    }

    @Override
    public Map<String, String> headers() {
        Map<String, String> headers = new HashMap<>(outer.headers());
        headers.remove("cookie");
        headers.put("authorization", authorization);
        headers.put(HttpIo.REQUEST_ID, outer.requestId());
        return headers;
    }

    @Override
    protected long declaredLength() {
        return outer.declaredLength();
    }

    @Override
    protected InputStream bodyStream() {
        return outer.bodyStream();
    }

    @Override
    public void header(String name, String value) {
        outer.header(name, value);
    }

    @Override
    public void send(int status, String contentType, byte[] body) {
        outer.send(status, contentType, body);
    }

    @Override
    protected OutputStream stream(int status) {
        return outer.stream(status);
    }

    @Override
    public boolean isSent() {
        return outer.isSent();
    }

    @Override
    public void abortConnection() {
        outer.abortConnection();
    }

    @Override
    public boolean secure() {
        return outer.secure();
    }

    @Override
    public boolean clientGone() {
        return outer.clientGone();
    }
}
