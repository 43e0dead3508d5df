package dev.sluice.ui;

import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.auth.AdminIdentity;
import dev.sluice.server.Endpoints;
import dev.sluice.server.ForwardedCall;
import dev.sluice.server.HttpCall;
import dev.sluice.server.HttpHandler;
import dev.sluice.server.Routes;
import dev.sluice.store.AuditEntry;
import dev.sluice.store.AuditRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The dashboard at {@code /ui}: its page and static files, login and logout, and {@code /ui/api/…},
 * which hands each call to the admin API's {@code /admin/…} with the session's admin key. The UI
 * has no data access of its own: what a role may read or change is what the admin API lets that key
 * read or change, and the admin API audits what it changes.
 *
 * <p>Protections: the session cookie is {@code HttpOnly; SameSite=Strict; Path=/ui} (and
 * {@code Secure} over TLS); every state change ({@code POST}, {@code PATCH}, {@code DELETE}) needs the
 * session's CSRF token in {@code X-CSRF-Token} and, when the browser sends an {@code Origin}, the
 * gateway's own; login takes only JSON (a cross-site form cannot send it), and failed logins are limited
 * per client address and per key prefix ({@link LoginThrottle}: 429 with Retry-After). Logins are audited:
 * {@code ui.login} with the client address, and refused ones as {@code ui.login.failed} ({@link LoginAudit}:
 * bounded, no secret characters). Every response carries a
 * strict Content-Security-Policy (scripts, styles and connections from this origin only, no inline
 * script, no framing), so text from the logs, rendered as text by the pages, cannot run as code.
 */
public final class DashboardEndpoints implements Endpoints {
    static final String COOKIE = "sluice_ui";
    static final String CSRF_HEADER = "x-csrf-token";
    /** Deep enough for every admin path ({@code /admin/prompts/{name}/labels/{label}/rollback}). */
    private static final int MAX_FORWARDED_SEGMENTS = 6;
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final Function<String, AdminIdentity> adminKeys;
    private final AuditRepository audit;
    private final Clock clock;
    private final boolean alwaysSecure;
    private final long maxBodyBytes;
    private final Assets assets = new Assets();
    private final LoginAudit loginAudit;

    /**
     * @param adminKeys    resolves an admin key to its identity, or throws the admin API's 401/403
     * @param alwaysSecure mark the cookie {@code Secure} even when the request did not come over TLS
     */
    public DashboardEndpoints(Sessions sessions, LoginThrottle throttle, Function<String, AdminIdentity> adminKeys,
                              AuditRepository audit, Clock clock, boolean alwaysSecure, long maxBodyBytes) {
        this.sessions = sessions;
        this.throttle = throttle;
        this.adminKeys = adminKeys;
        this.audit = audit;
        this.clock = clock;
        this.alwaysSecure = alwaysSecure;
        this.maxBodyBytes = maxBodyBytes;
        this.loginAudit = new LoginAudit(audit, clock);
    }

    @Override
    public void register(Routes routes) {
        routes.get("/ui", call -> asset(call, null, "index.html"))
                .get("/ui/assets/{file}", call -> asset(call, null, call.pathParam("file")))
                .get("/ui/assets/{dir}/{file}", call -> asset(call, call.pathParam("dir"), call.pathParam("file")))
                .post("/ui/login", guarded(this::login))
                .post("/ui/logout", guarded(this::logout))
                .get("/ui/session", guarded(this::session));
        HttpHandler dispatcher = routes.dispatcher();
        StringBuilder pattern = new StringBuilder("/ui/api");
        for (int depth = 1; depth <= MAX_FORWARDED_SEGMENTS; depth++) {
            pattern.append("/{p").append(depth).append('}');
            HttpHandler forward = guarded(call -> forward(call, dispatcher));
            routes.get(pattern.toString(), forward).post(pattern.toString(), forward)
                    .patch(pattern.toString(), forward).delete(pattern.toString(), forward);
        }
    }

    /** Security headers on every dashboard response, and errors in the API's format. */
    private HttpHandler guarded(HttpHandler handler) {
        return call -> {
            securityHeaders(call);
            try {
                handler.handle(call);
            } catch (SluiceException e) {
                if (!call.isSent()) {
                    call.sendError(e);
                }
            }
        };
    }

    private static void securityHeaders(HttpCall call) {
        call.header("Content-Security-Policy", CSP);
        call.header("X-Content-Type-Options", "nosniff");
        call.header("X-Frame-Options", "DENY");
        call.header("Referrer-Policy", "no-referrer");
        call.header("Cross-Origin-Opener-Policy", "same-origin");
        call.header("Cache-Control", "no-store");
    }

    private void asset(HttpCall call, String dir, String name) {
        securityHeaders(call);
        Optional<Assets.Asset> asset = assets.find(dir, name);
        if (asset.isEmpty()) {
            call.sendError(SluiceException.notFound("There is no dashboard file " + (dir == null ? "" : dir + "/") + name + "."));
            return;
        }
        call.header("Cache-Control", "no-cache");
        call.send(200, asset.get().contentType(), asset.get().bytes());
    }

    /** {@code POST /ui/login} {@code {"key": "<admin key>"}}: a session for a valid admin key. */
    private void login(HttpCall call) {
        requireSameOrigin(call);
        String type = call.header("content-type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new SluiceException(415, "invalid_request_error", "unsupported_media_type", null,
                    "Log in with a JSON body: {\"key\": \"<admin key>\"}.");
        }
        var body = Json.parse(call.body(Math.min(maxBodyBytes, 64 * 1024)));
        String key = body.path("key").isTextual() ? body.path("key").asText().strip() : null;
        if (key == null || key.isEmpty()) {
            throw SluiceException.invalidRequest("key", "Give the admin key to log in with: {\"key\": \"...\"}.");
        }
        String address = call.remoteAddress();
        try {
            throttle.check(address, key);
        } catch (SluiceException e) {
            loginAudit.failed(address, key, "rate_limited", call.requestId());
            throw e;
        }
        AdminIdentity who;
        try {
            who = adminKeys.apply(key);
        } catch (SluiceException e) {
            if (e.status() == 401 || e.status() == 403) {
                throttle.failed(address, key);
                loginAudit.failed(address, key, "invalid_key", call.requestId());
            }
            throw e;
        }
        throttle.succeeded(address);
        Sessions.Session session = sessions.open(key);
        record(call, who, "ui.login", Json.string(java.util.Map.of("address", String.valueOf(address))));
        call.header("Set-Cookie", COOKIE + "=" + session.id() + "; Path=/ui; HttpOnly; SameSite=Strict"
                + (secure(call) ? "; Secure" : ""));
        sendSession(call, session, who);
    }

    /** {@code POST /ui/logout}: ends the session (the CSRF token is needed like for any change). */
    private void logout(HttpCall call) {
        Sessions.Session session = requireSession(call);
        requireChangeAllowed(call, session);
        AdminIdentity who = identity(session);
        sessions.close(session);
        record(call, who, "ui.logout", null);
        call.header("Set-Cookie", COOKIE + "=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0"
                + (secure(call) ? "; Secure" : ""));
        call.sendJson(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "ui.logout");
            gen.writeEndObject();
        }));
    }

    /**
     * {@code GET /ui/session}: who is logged in, and the CSRF token the page keeps in memory; without a
     * live session {@code logged_in: false} (a 200: the page asks before it shows the login form).
     */
    private void session(HttpCall call) {
        Optional<Sessions.Session> session = sessions.find(cookie(call, COOKIE));
        AdminIdentity who = null;
        if (session.isPresent()) {
            try {
                who = identity(session.get());
            } catch (SluiceException e) {
                // the admin key was revoked since the login: the session has ended
            }
        }
        if (who == null) {
            call.sendJson(200, Json.write(gen -> {
                gen.writeStartObject();
                gen.writeStringField("object", "ui.session");
                gen.writeBooleanField("logged_in", false);
                gen.writeEndObject();
            }));
            return;
        }
        sendSession(call, session.get(), who);
    }

    /** {@code /ui/api/<path>}: the admin API's {@code /admin/<path>}, as the session's admin key. */
    private void forward(HttpCall call, HttpHandler dispatcher) {
        Sessions.Session session = requireSession(call);
        if (!call.method().equals("GET")) {
            requireChangeAllowed(call, session);
        }
        dispatcher.handle(new ForwardedCall(call, "/ui/api/", "/admin/", session.adminKey()));
    }

    private Sessions.Session requireSession(HttpCall call) {
        return sessions.find(cookie(call, COOKIE)).orElseThrow(() -> SluiceException.unauthenticated("ui_login_required",
                "Log in to the dashboard with an admin key (POST /ui/login); the session is missing or expired."));
    }

    /** The admin key may have been revoked since the login: then the session ends with the admin API's 401. */
    private AdminIdentity identity(Sessions.Session session) {
        try {
            return adminKeys.apply(session.adminKey());
        } catch (SluiceException e) {
            sessions.close(session);
            throw e;
        }
    }

    private void requireChangeAllowed(HttpCall call, Sessions.Session session) {
        requireSameOrigin(call);
        if (!session.csrfMatches(call.header(CSRF_HEADER))) {
            throw SluiceException.forbidden("csrf_token_invalid", "This change needs the session's CSRF token in the "
                    + "X-CSRF-Token header (GET /ui/session gives it); reload the dashboard.");
        }
    }

    /** Refuses a request a browser sent from another site's page (it names that page's origin). */
    private static void requireSameOrigin(HttpCall call) {
        String origin = call.header("origin");
        String host = call.header("host");
        if (origin == null) {
            return;
        }
        String bare = origin.replaceFirst("^https?://", "");
        if (host == null || !bare.equalsIgnoreCase(host)) {
            throw SluiceException.forbidden("cross_origin", "The dashboard accepts changes only from its own pages.");
        }
    }

    private boolean secure(HttpCall call) {
        return alwaysSecure || call.secure() || "https".equalsIgnoreCase(call.header("x-forwarded-proto"));
    }

    private void record(HttpCall call, AdminIdentity who, String action, String afterJson) {
        audit.append(new AuditEntry(clock.millis(), who.id(), who.role().wire(), action, "ui", who.team(), null, afterJson,
                call.requestId()));
    }

    private void sendSession(HttpCall call, Sessions.Session session, AdminIdentity who) {
        call.sendJson(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "ui.session");
            gen.writeBooleanField("logged_in", true);
            gen.writeStringField("actor", who.id());
            gen.writeStringField("role", who.role().wire());
            gen.writeStringField("team", who.team());
            gen.writeStringField("csrf_token", session.csrfToken());
            gen.writeStringField("expires_at", Instant.ofEpochMilli(sessions.expiresAt(session)).toString());
            gen.writeEndObject();
        }));
    }

    /** A cookie's value from the {@code Cookie} header, or null. */
    static String cookie(HttpCall call, String name) {
        String header = call.header("cookie");
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
                return part.substring(eq + 1).strip();
            }
        }
        return null;
    }
}
