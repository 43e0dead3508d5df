package dev.sluice.route;

import dev.sluice.pipeline.Caller;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Picks the client headers a provider should receive: exact names, or prefixes written with a
 * trailing '*' (e.g. {@code x-sim-*}, {@code anthropic-beta}). Nothing is forwarded by default, and
 * never a Sluice key: not the {@code Authorization} a virtual key was read from, nor any header whose
 * value holds an {@code sk-sluice-} secret (virtual and admin keys) or one of the gateway's own secrets
 * from the config (the config's admin key, the metrics token), which may be any text. With
 * {@code ["*"]}, no provider {@code api_key} and auth off, the caller's Authorization would otherwise
 * reach the upstream and its logs.
 */
public final class HeaderForwarder {
    public static final HeaderForwarder NONE = new HeaderForwarder(List.of());
    private final List<String> exact = new ArrayList<>();
    private final List<String> prefixes = new ArrayList<>();
    private final List<String> gatewaySecrets = new ArrayList<>();
    /** Gateway secrets at least this long are refused wherever they appear in a value. */
    static final int MIN_SUBSTRING_SECRET = 12;

    public HeaderForwarder(List<String> patterns) {
        this(patterns, List.of());
    }

    /**
     * @param gatewaySecrets secrets of the gateway itself (null or blank entries ignored): a header
     *                       whose value contains one is never forwarded
     */
    public HeaderForwarder(List<String> patterns, List<String> gatewaySecrets) {
        for (String secret : gatewaySecrets) {
            if (secret != null && !secret.isBlank()) {
                this.gatewaySecrets.add(secret);
            }
        }
        for (String p : patterns) {
            String lower = p.strip().toLowerCase(Locale.ROOT);
            if (lower.endsWith("*")) {
                prefixes.add(lower.substring(0, lower.length() - 1));
            } else {
                exact.add(lower);
            }
        }
    }

    /**
     * @param headers             request headers with lower-case names
     * @param authorizedByVirtualKey the request's {@code Authorization} carried the virtual key it was let in with
     */
    public Map<String, String> select(Map<String, String> headers, boolean authorizedByVirtualKey) {
        if (exact.isEmpty() && prefixes.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            boolean sluiceKey = holdsSecret(h.getValue())
                    || authorizedByVirtualKey && h.getKey().equals("authorization");
            if (!sluiceKey && matches(h.getKey())) {
                out.put(h.getKey(), h.getValue());
            }
        }
        return out;
    }

    private boolean holdsSecret(String value) {
        if (value == null) {
            return false;
        }
        if (value.contains(Caller.KEY_PREFIX)) {
            return true;
        }
        for (String secret : gatewaySecrets) {
            // a short secret (the metrics token has no minimum length) is matched as the whole value, with or
            // without a Bearer scheme, so that a header merely containing its letters still goes
            if (secret.length() >= MIN_SUBSTRING_SECRET ? value.contains(secret)
                    : value.strip().equals(secret) || value.strip().regionMatches(true, 0, "Bearer ", 0, 7)
                            && value.strip().substring(7).strip().equals(secret)) {
                return true;
            }
        }
        return false;
    }

    private boolean matches(String name) {
        if (exact.contains(name)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
