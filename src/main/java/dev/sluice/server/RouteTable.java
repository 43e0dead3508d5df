package dev.sluice.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The registered routes and the lookup of a request's route. Exact paths are one hash lookup;
 * patterns with {@code {name}} segments are compared segment by segment (there are a few dozen).
 */
public final class RouteTable {
    /** One registered route. */
    record Route(String method, String pattern, HttpHandler handler, Guard<?> guard, boolean drained) {}

    /** The outcome of a lookup: a route and its path parameters, or why there is none. */
    sealed interface Match {
        record Found(Route route, Map<String, String> params) implements Match {}

        /** The path is served, but not with this method. */
        record WrongMethod() implements Match {}

        record Unknown() implements Match {}
    }

    private static final Match WRONG_METHOD = new Match.WrongMethod();
    private static final Match UNKNOWN = new Match.Unknown();

    private final Map<String, Map<String, Route>> exact = new HashMap<>();
    private final List<Templated> templated = new ArrayList<>();
    /** {@code /admin/keys/} for {@code /admin/keys/{id}}: see {@link #match}. */
    private final List<String> collectionPrefixes = new ArrayList<>();

    private record Templated(String[] segments, Map<String, Route> byMethod) {}

    /** Registration: the view a builder hands out, with the guard and drain flag of its routes. */
    public static final class Builder implements Routes {
        private final List<Route> routes;
        private final Guard<?> guard;
        private final boolean drained;
        private final AtomicReference<Dispatcher> dispatcher;

        public Builder() {
            this(new ArrayList<>(), null, false, new AtomicReference<>());
        }

        private Builder(List<Route> routes, Guard<?> guard, boolean drained, AtomicReference<Dispatcher> dispatcher) {
            this.routes = routes;
            this.guard = guard;
            this.drained = drained;
            this.dispatcher = dispatcher;
        }

        @Override
        public Routes get(String pattern, HttpHandler handler) {
            return add("GET", pattern, handler);
        }

        @Override
        public Routes post(String pattern, HttpHandler handler) {
            return add("POST", pattern, handler);
        }

        @Override
        public Routes patch(String pattern, HttpHandler handler) {
            return add("PATCH", pattern, handler);
        }

        @Override
        public Routes delete(String pattern, HttpHandler handler) {
            return add("DELETE", pattern, handler);
        }

        @Override
        public Routes guardedBy(Guard<?> newGuard) {
            return new Builder(routes, newGuard, drained, dispatcher);
        }

        @Override
        public Routes drained() {
            return new Builder(routes, guard, true, dispatcher);
        }

        @Override
        public HttpHandler dispatcher() {
            return call -> {
                Dispatcher d = dispatcher.get();
                if (d == null) {
                    throw new IllegalStateException("the server has not started; nothing dispatches yet");
                }
                d.handle(call);
            };
        }

        /** The dispatcher over the built table, for {@link #dispatcher()}. */
        void bind(Dispatcher d) {
            dispatcher.set(d);
        }

        private Routes add(String method, String pattern, HttpHandler handler) {
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("a route pattern starts with '/': " + pattern);
            }
            routes.add(new Route(method, pattern, handler, guard, drained));
            return this;
        }

        public RouteTable build() {
            return new RouteTable(routes);
        }
    }

    private RouteTable(List<Route> routes) {
        Map<String, Map<String, Route>> byPattern = new LinkedHashMap<>();
        for (Route r : routes) {
            Route earlier = byPattern.computeIfAbsent(r.pattern(), p -> new HashMap<>()).putIfAbsent(r.method(), r);
            if (earlier != null) {
                throw new IllegalStateException("two routes for " + r.method() + " " + r.pattern());
            }
        }
        byPattern.forEach((pattern, byMethod) -> {
            if (pattern.contains("{")) {
                templated.add(new Templated(pattern.substring(1).split("/", -1), Map.copyOf(byMethod)));
                String prefix = pattern.substring(0, pattern.indexOf('{'));
                if (prefix.length() > 1 && !collectionPrefixes.contains(prefix)) {
                    collectionPrefixes.add(prefix);
                }
            } else {
                exact.put(pattern, Map.copyOf(byMethod));
            }
        });
    }

    /**
     * @param path    the decoded path, for exact routes
     * @param rawPath the path as sent: templated routes split it on {@code /} before decoding each
     *                parameter, so {@code %2F} in an id (an end user named {@code tenant/alice}) stays in it
     */
    Match match(String method, String path, String rawPath) {
        Map<String, Route> byMethod = exact.get(path);
        if (byMethod != null) {
            Route r = byMethod.get(method);
            return r == null ? WRONG_METHOD : new Match.Found(r, Map.of());
        }
        String[] segments = rawPath.length() > 1 ? rawPath.substring(1).split("/", -1) : null;
        boolean pathKnown = false;
        for (Templated t : segments == null ? List.<Templated>of() : templated) {
            Map<String, String> params = bind(t.segments(), segments);
            if (params != null) {
                Route r = t.byMethod().get(method);
                if (r != null) {
                    return new Match.Found(r, params);
                }
                pathKnown = true;
            }
        }
        return pathKnown || underTemplate(path) ? WRONG_METHOD : UNKNOWN;
    }

    /** The parameters when the path's segments fit the pattern's, else null. */
    private static Map<String, String> bind(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new HashMap<>(2);
                }
                params.put(p.substring(1, p.length() - 1), decode(path[i]));
            } else if (!p.equals(decode(path[i]))) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }

    /** Percent-decoding of one path segment (UTF-8; unlike form decoding, '+' stays '+'). */
    static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment; // a stray '%': taken as written
        }
    }

    /**
     * Whether the path lies under a collection whose members are routes ({@code /admin/keys/…}
     * when {@code /admin/keys/{id}} exists): such paths are answered 405 rather than 404, as
     * the client has the right resource family and the wrong method or shape.
     */
    private boolean underTemplate(String path) {
        for (String prefix : collectionPrefixes) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
