package dev.sluice.ui;

import dev.sluice.api.Json;
import dev.sluice.store.AuditEntry;
import dev.sluice.store.AuditRepository;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes refused dashboard logins to the audit log ({@code ui.login.failed}), bounded: at most
 * {@link #PER_MINUTE} entries a minute for the whole gateway, so a flood of guesses cannot flood the
 * store (the throttle refuses them anyway). The ones left out are counted, and the next entry written
 * says how many ({@code not_audited_before}). An entry holds the client address, why the login was
 * refused, the length of the key tried and its scheme ({@code sk-sluice-adm-}) — never a character of
 * its secret: a real key mistyped would otherwise leak into a log viewers read.
 */
final class LoginAudit {
    private static final Logger LOG = LoggerFactory.getLogger(LoginAudit.class);
    static final int PER_MINUTE = 30;
    static final String ACTION = "ui.login.failed";
    private static final int MAX_ADDRESS = 64;

    private final AuditRepository audit;
    private final Clock clock;
    private long minute = -1;
    private int written;
    private long skipped;

    LoginAudit(AuditRepository audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @param reason {@code invalid_key} (the key was wrong, revoked or expired) or {@code rate_limited} (refused
     *               before the key was checked)
     */
    void failed(String address, String key, String reason, String requestId) {
        long now = clock.millis();
        long skippedBefore;
        synchronized (this) {
            if (now / 60_000 != minute) {
                minute = now / 60_000;
                written = 0;
            }
            if (written >= PER_MINUTE) {
                skipped++;
                return;
            }
            written++;
            skippedBefore = skipped;
            skipped = 0;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("address", address == null ? null : address.length() > MAX_ADDRESS ? address.substring(0, MAX_ADDRESS) : address);
        details.put("reason", reason);
        details.put("key_scheme", LoginThrottle.scheme(key));
        details.put("key_length", key == null ? 0 : key.length());
        if (skippedBefore > 0) {
            details.put("not_audited_before", skippedBefore);
        }
        try {
            audit.append(new AuditEntry(now, "anonymous", "none", ACTION, "ui", null, null, Json.string(details), requestId));
        } catch (RuntimeException e) {
            // the login is refused either way; a store that does not answer must not turn the 401 into a 500
            LOG.warn("A refused dashboard login could not be audited: {}", e.toString());
        }
    }
}
