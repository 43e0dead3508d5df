package dev.sluice.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.store.AuditEntry;
import dev.sluice.store.AuditRepository;
import dev.sluice.store.Database;
import dev.sluice.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Refused dashboard logins in the audit log")
class LoginAuditTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("a flood of refused logins writes at most 30 entries a minute; the next entry counts those left out; no secret character is stored")
    void bounded() {
        try (Database db = Database.openSqlite(dir.resolve("audit.db"))) {
            AuditRepository audit = new AuditRepository(db);
            MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
            LoginAudit logins = new LoginAudit(audit, clock);
            String secretPart = "Zq9SecretGuessXyzzy0123456789abc";
            for (int i = 0; i < 100; i++) {
                logins.failed("203.0.113.7", "sk-sluice-adm-" + secretPart, "invalid_key", "req_" + i);
            }
            List<AuditEntry> written = audit.recent(500, LoginAudit.ACTION, null, null);
            assertThat(written).hasSize(LoginAudit.PER_MINUTE);
            clock.advance(Duration.ofMinutes(1));
            logins.failed("203.0.113.7", "hunter2", "rate_limited", "req_next");
            List<AuditEntry> after = audit.recent(500, LoginAudit.ACTION, null, null);
            assertThat(after).hasSize(LoginAudit.PER_MINUTE + 1);
            AuditEntry newest = after.getFirst();
            assertThat(newest.afterJson()).contains("\"not_audited_before\":70", "\"reason\":\"rate_limited\"",
                    "\"key_scheme\":\"\"", "\"key_length\":7", "203.0.113.7");
            assertThat(newest.actor()).isEqualTo("anonymous");
            assertThat(after).allSatisfy(e -> {
                assertThat(e.afterJson()).doesNotContain("Zq9", "hunter");
                assertThat(e.target()).isEqualTo("ui");
            });
            assertThat(after.get(1).afterJson()).contains("\"key_scheme\":\"sk-sluice-adm-\"", "\"reason\":\"invalid_key\"");
        }
    }
}
