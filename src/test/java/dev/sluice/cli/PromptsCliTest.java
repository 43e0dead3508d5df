package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.CliTest.Run;
import dev.sluice.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("sluice prompts and sluice experiments against a running gateway")
class PromptsCliTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("push is idempotent and prints a diff; pull writes the files back; label, rollback, rollout, status, abort")
    void promptsAsCode() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String[] target = {"--url", "http://127.0.0.1:" + gw.gateway().port(), "--admin-key", TestGateway.ADMIN_KEY};
            Path src = Files.createDirectories(dir.resolve("prompts"));
            Files.writeString(src.resolve("greet.yaml"), """
                    model: gpt-4o-mini
                    messages:
                      - role: system
                        content: "Greet {{ name }}."
                    """);
            Run first = run(target, "prompts", "push", src.toString(), "-m", "first");
            assertThat(first.out()).as(first.out()).contains("greet: created, version 1", "+++ greet@1");
            assertThat(run(target, "prompts", "push", src.toString()).out()).contains("greet: unchanged (version 1)");
            Files.writeString(src.resolve("greet.yaml"), """
                    model: gpt-4o-mini
                    messages:
                      - role: system
                        content: "Greet {{ name }} warmly."
                    """);
            Run second = run(target, "prompts", "push", src.toString(), "-m", "warmer");
            assertThat(second.out()).contains("greet: new version 2", "-    content: \"Greet {{ name }}.\"",
                    "+    content: \"Greet {{ name }} warmly.\"");

            assertThat(run(target, "prompts", "label", "greet", "1", "production").out()).contains("greet:production (new) -> 1");
            assertThat(run(target, "prompts", "label", "greet", "2", "production").out()).contains("greet:production 1 -> 2");
            assertThat(run(target, "prompts", "rollback", "greet").out()).contains("Rolled back greet:production 2 -> 1");
            assertThat(run(target, "prompts", "list").out()).contains("greet", "production=1");
            assertThat(run(target, "prompts", "show", "greet:production").out()).contains("greet@1", "Greet {{ name }}.");
            assertThat(run(target, "prompts", "diff", "greet", "1", "2").out()).contains("+    content: \"Greet {{ name }} warmly.\"");

            Path pulled = dir.resolve("pulled");
            assertThat(run(target, "prompts", "pull", pulled.toString()).out()).contains("greet.yaml (greet@2)");
            assertThat(Files.readString(pulled.resolve("greet.yaml"))).startsWith("# greet@2 (latest)").contains("warmly");
            assertThat(run(target, "prompts", "push", pulled.toString()).out()).as("pulled files push back as no-ops")
                    .contains("greet: unchanged (version 2)");

            Run rollout = run(target, "prompts", "rollout", "greet", "--to", "2", "--steps", "10,100", "--every", "1m");
            Matcher id = Pattern.compile("Started rollout (ro_\\w+)").matcher(rollout.out());
            assertThat(id.find()).as(rollout.out()).isTrue();
            assertThat(run(target, "experiments", "status", id.group(1)).out()).contains("1 -> 2 on production", "(10%)");
            assertThat(run(target, "experiments", "list").out()).contains(id.group(1), "canary", "running");
            assertThat(run(target, "experiments", "abort", id.group(1), "--reason", "testing").out()).contains("aborted");
        }
    }

    private static Run run(String[] target, String... args) {
        Run r = CliTest.run(Stream.concat(Stream.of(args), Stream.of(target)).toArray(String[]::new));
        assertThat(r.code()).as(r.out()).isZero();
        return r;
    }
}
