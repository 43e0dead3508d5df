package dev.sluice.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.SluiceException;
import dev.sluice.prompts.PromptRegistry.PushResult;
import dev.sluice.prompts.PromptRegistry.PushStatus;
import dev.sluice.prompts.template.TemplateEngine;
import dev.sluice.store.AuditEntry;
import dev.sluice.store.AuditRepository;
import dev.sluice.store.Database;
import dev.sluice.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Prompt registry: versions, labels, rollback (SQLite and PostgreSQL)")
class PromptRegistryTest {
    private static final Actor ADA = new Actor("ak_ada", "owner", "req-1");
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

    private static PromptDefinition support(String system) {
        return PromptFiles.parse("support.yaml", """
                team: search
                model: gpt-4o-mini
                params: {temperature: 0.2, max_tokens: 300}
                messages:
                  - role: system
                    content: "%s"
                  - role: user
                    content: "{{ question }}"
                """.formatted(system));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.sluice.prompts.Stores#both")
    @DisplayName("a push makes a version only when the content changed, with a diff, author, message, time and hash")
    void pushIsIdempotent(String store) {
        try (Database db = Stores.open(store, dir)) {
            PromptRegistry registry = registry(db);
            PushResult first = registry.push(support("You help {{ company }}."), "first", ADA);
            assertThat(first.status()).isEqualTo(PushStatus.CREATED);
            assertThat(first.version()).isEqualTo(1);
            assertThat(first.diff()).startsWith("--- /dev/null\n+++ support@1\n").contains("+model: gpt-4o-mini");

            clock.advance(Duration.ofMinutes(1));
            PushResult again = registry.push(support("You help {{ company }}."), "again", ADA);
            assertThat(again).isEqualTo(new PushResult("support", PushStatus.UNCHANGED, 1, ""));

            PushResult second = registry.push(support("You help {{ company }}, briefly."), "shorter answers",
                    new Actor("ak_bob", "team_admin", null));
            assertThat(second.status()).isEqualTo(PushStatus.UPDATED);
            assertThat(second.version()).isEqualTo(2);
            assertThat(second.diff()).contains("--- support@1", "+++ support@2",
                    "-    content: \"You help {{ company }}.\"", "+    content: \"You help {{ company }}, briefly.\"");

            PromptVersion v2 = registry.resolve(PromptRef.parse("support", "ref"));
            assertThat(v2.version()).isEqualTo(2);
            assertThat(v2.author()).isEqualTo("ak_bob");
            assertThat(v2.message()).isEqualTo("shorter answers");
            assertThat(v2.createdAt()).isEqualTo(clock.millis());
            assertThat(v2.contentHash()).hasSize(64).isEqualTo(v2.content().hash())
                    .isNotEqualTo(registry.resolve(PromptRef.parse("support@1", "ref")).contentHash());
            assertThat(v2.content().params().maxTokens()).isEqualTo(300);
            assertThat(registry.prompt("support").team()).isEqualTo("search");
            assertThat(registry.versions("support", 10)).extracting(PromptVersion::version).containsExactly(2, 1);
            assertThat(registry.diff("support", 1, 2)).isEqualTo(second.diff());
            assertThat(new AuditRepository(db).recent(10, "prompt.version.create", null, null))
                    .extracting(AuditEntry::target).containsExactly("prompt:support@2", "prompt:support@1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.sluice.prompts.Stores#both")
    @DisplayName("a template that does not compile is a 400 naming the message, and a batch with one writes nothing")
    void validation(String store) {
        try (Database db = Stores.open(store, dir)) {
            PromptRegistry registry = registry(db);
            PromptDefinition good = support("ok");
            PromptDefinition bad = PromptFiles.parse("bad.yaml", "messages:\n  - {role: user, content: '{% if x %}open'}\n");
            assertThatThrownBy(() -> registry.push(List.of(good, bad), "m", ADA))
                    .isInstanceOfSatisfying(SluiceException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.param()).isEqualTo("messages[0].content");
                        assertThat(e.getMessage()).contains("bad messages[0]");
                    });
            assertThat(registry.list(null)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.sluice.prompts.Stores#both")
    @DisplayName("references resolve by number, label or latest; unknown ones are 404s naming what is missing")
    void resolve(String store) {
        try (Database db = Stores.open(store, dir)) {
            PromptRegistry registry = registry(db);
            registry.push(support("one"), "1", ADA);
            registry.push(support("two"), "2", ADA);
            registry.label("support", "production", 1, ADA, "ship");
            assertThat(registry.resolve(PromptRef.parse("support:production", "r")).version()).isEqualTo(1);
            assertThat(registry.resolve(PromptRef.parse("support:latest", "r")).version()).isEqualTo(2);
            assertThat(registry.resolve(PromptRef.parse("support@2", "r")).version()).isEqualTo(2);
            assertThat(registry.prompt("support").labels()).containsExactly(java.util.Map.entry("production", 1));
            assertError(() -> registry.resolve(PromptRef.parse("nope", "r")), 404, "prompt_not_found");
            assertError(() -> registry.resolve(PromptRef.parse("support@9", "r")), 404, "prompt_version_not_found");
            assertError(() -> registry.resolve(PromptRef.parse("support:staging", "r")), 404, "prompt_label_not_found");
            assertError(() -> registry.label("support", "latest", 1, ADA, null), 400, "invalid_request");
            assertError(() -> registry.label("support", "staging", 7, ADA, null), 404, "prompt_version_not_found");
            assertError(() -> PromptRef.parse("Support Bot", "r"), 400, "invalid_request");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.sluice.prompts.Stores#both")
    @DisplayName("rollback walks a label back through its moves, each audited, until there is nothing left (409)")
    void rollback(String store) {
        try (Database db = Stores.open(store, dir)) {
            PromptRegistry registry = registry(db);
            for (String s : List.of("one", "two", "three")) {
                registry.push(support(s), s, ADA);
            }
            registry.label("support", "production", 1, ADA, "launch");
            registry.label("support", "production", 2, ADA, null);
            registry.label("support", "production", 3, ADA, null);
            LabelMove back = registry.rollback("support", "production", ADA, "bad answers");
            assertThat(back.fromVersion()).isEqualTo(3);
            assertThat(back.toVersion()).isEqualTo(2);
            assertThat(back.kind()).isEqualTo(LabelMove.ROLLBACK);
            assertThat(registry.rollback("support", "production", ADA, null).toVersion()).isEqualTo(1);
            assertError(() -> registry.rollback("support", "production", ADA, null), 409, "nothing_to_roll_back");
            registry.label("support", "production", 3, ADA, null);
            assertThat(registry.rollback("support", "production", ADA, null).toVersion())
                    .as("a new move after rollbacks is undone first").isEqualTo(1);
            assertThat(registry.history("support", "production", 10)).extracting(LabelMove::kind)
                    .containsExactly("rollback", "move", "rollback", "rollback", "move", "move", "move");
            List<AuditEntry> audited = new AuditRepository(db).recent(20, "prompt.label.rollback", null, null);
            assertThat(audited).hasSize(3);
            assertThat(audited.getLast().beforeJson()).contains("\"version\":3");
            assertThat(audited.getLast().afterJson()).contains("\"version\":2").contains("bad answers");
            assertThat(audited.getLast().actor()).isEqualTo("ak_ada");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.sluice.prompts.Stores#both")
    @DisplayName("concurrent pushes of different content get distinct, gap-free version numbers")
    void concurrentPushes(String store) throws Exception {
        try (Database db = Stores.open(store, dir); ExecutorService pool = Executors.newFixedThreadPool(4)) {
            PromptRegistry registry = registry(db);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        registry.push(support("thread " + thread + " push " + i), null, ADA);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            assertThat(registry.versions("support", 100)).extracting(PromptVersion::version)
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 20).boxed()
                            .sorted(java.util.Comparator.reverseOrder()).toList());
        }
    }

    private PromptRegistry registry(Database db) {
        return new PromptRegistry(new PromptRepository(db), new AuditRepository(db), TemplateEngine.strict(), clock);
    }

    static void assertError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SluiceException.class, e -> {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        });
    }
}
