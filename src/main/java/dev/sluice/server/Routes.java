package dev.sluice.server;

/**
 * Where endpoints register their routes. Patterns are paths with {@code {name}} segments
 * ({@code /admin/keys/{id}/rotate}); a path that some route serves, asked with another method, is
 * answered 405, any other path 404, so the route table is the only list of paths.
 *
 * <pre>{@code
 * routes.guardedBy(adminKeys).get("/admin/keys", keys::list).post("/admin/keys", keys::create);
 * routes.drained().guardedBy(virtualKeys).post("/v1/chat/completions", api::chat);
 * }</pre>
 */
public interface Routes {
    Routes get(String pattern, HttpHandler handler);

    Routes post(String pattern, HttpHandler handler);

    Routes patch(String pattern, HttpHandler handler);

    Routes delete(String pattern, HttpHandler handler);

    /** The same table, for routes whose caller {@code guard} resolves before their handler runs. */
    Routes guardedBy(Guard<?> guard);

    /**
     * The same table, for API work: refused with a 503 once the server drains, and counted in
     * flight, so shutdown waits for it (streams included).
     */
    Routes drained();

    /**
     * Runs a request through the whole route table (route lookup, guard, handler) as if it had
     * arrived so: for a route that hands its request on under another path, as a {@link ForwardedCall}.
     * Usable once the server has started.
     */
    HttpHandler dispatcher();
}
