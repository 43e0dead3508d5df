package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The sluice command line")
class CliTest {

    /** Runs the CLI in-process and returns its exit code and what it printed. */
    record Run(int code, String out) {}

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            int code = Main.run(args);
            return new Run(code, buffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    @DisplayName("--help lists the commands and --version names the version")
    void helpAndVersion() {
        Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("demo", "serve", "sim", "keys", "teams");
        Run version = run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("sluice ");
        assertThat(run("keys", "--help").out()).contains("create", "list", "revoke");
        assertThat(run("no-such-command").code()).isNotZero();
    }

    @Test
    @DisplayName("a command line naming a subcommand builds only that one, and its help and errors still say 'sluice <command>'")
    void oneSubcommand() {
        assertThat(Main.commandsFor("serve", "--config", "x.yaml")).containsExactly(ServeCommand.class);
        assertThat(Main.commandsFor("--help")).isEqualTo(Main.COMMANDS);
        assertThat(Main.commandsFor("help", "keys")).isEqualTo(Main.COMMANDS);
        assertThat(run("serve", "--help").out()).contains("Usage: sluice serve", "--config");
        Run helpKeys = run("help", "keys");
        assertThat(helpKeys.code()).isZero();
        assertThat(helpKeys.out()).contains("Usage: sluice keys", "create", "revoke");
        Run bad = run("serve", "--no-such-option");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.out()).contains("Unknown option: '--no-such-option'", "Usage: sluice serve");
    }

    @Test
    @DisplayName("the plainest serve command lines are parsed without picocli, the same way; anything else goes to picocli")
    void plainServe() {
        ServeCommand s = ServeCommand.plain("serve", "--config", "a.yaml", "--port", "8081");
        assertThat(s.config).isEqualTo(java.nio.file.Path.of("a.yaml"));
        assertThat(s.port).isEqualTo(8081);
        ServeCommand eq = ServeCommand.plain("serve", "--port=0", "-c", "b.yaml");
        assertThat(eq.config).isEqualTo(java.nio.file.Path.of("b.yaml"));
        assertThat(eq.port).isZero();
        ServeCommand bare = ServeCommand.plain("serve");
        assertThat(bare.config).isNull();
        assertThat(bare.port).isNull();
        for (String[] other : new String[][] {{"serve", "--help"}, {"serve", "--config"}, {"serve", "--port", "x"},
                {"serve", "--port", "-1"}, {"serve", "--port", "123456"}, {"serve", "--config", "a", "--config", "b"},
                {"serve", "--no-such-option"}, {"serve", "extra"}, {"serve", "-c=a.yaml"}, {"demo"}, {}}) {
            assertThat(ServeCommand.plain(other)).as(String.join(" ", other)).isNull();
        }
        // a port out of range is refused by the command itself, as with picocli
        Run outOfRange = run("serve", "--port", "99999");
        assertThat(outOfRange.code()).isEqualTo(2);
        assertThat(outOfRange.out()).contains("--port 99999 is not a port");
    }

    @Test
    @DisplayName("guard eval prints precision, recall, false-positive rate and CPU a text per scanner, the opt-in cascades too")
    void guardEval() {
        Run eval = run("guard", "eval", "--no-classifier", "--opt-in");
        assertThat(eval.code()).as(eval.out()).isZero();
        assertThat(eval.out()).contains("Split: test", "prompt_injection (rules only)", "prompt_injection (rules + model, default)",
                "prompt_injection (tuned: true)", "prompt_injection (tuned_documents: true)", "prec", "recall", "FPR",
                "email", "phone", "credit_card", "iban", "us_ssn", "ip_address");
        assertThat(eval.out()).containsPattern("CPU a text .*tuned_documents: true p50 \\d+\\.\\d\\d / p99 \\d+\\.\\d\\d ms");
    }

    @Test
    @DisplayName("guard eval lists every split of the public sets with each source's commit and licence")
    void guardEvalProvenance() throws Exception {
        Path dir = Files.createTempDirectory("guard-data");
        Files.writeString(dir.resolve("MANIFEST.json"), """
                {"repos": {"owner/corpus": {"commit": "0123456789abcdef0123", "licence": "MIT"}},
                 "files": {"injection.jsonl": {"rows": 3, "sha256": "abcdefabcdef0000", "counts": {
                   "test\\towner:corpus\\tinjection": 1, "train\\towner:corpus\\tbenign": 1, "val\\towner:corpus\\tinjection": 1}}}}
                """);
        Run eval = run("guard", "eval", "--no-classifier", "--data", dir.toString());
        assertThat(eval.code()).as(eval.out()).isZero();
        assertThat(eval.out()).contains("owner/corpus @ 0123456789ab  licence: MIT", "injection.jsonl (3 rows",
                "test: owner:corpus injection 1", "train: owner:corpus benign 1", "val: owner:corpus injection 1");
    }

    @Test
    @DisplayName("keys create, list and revoke work against a running gateway")
    void keys() {
        try (TestGateway gw = TestGateway.start()) {
            String url = "http://127.0.0.1:" + gw.gateway().port();
            String[] target = {"--url", url, "--admin-key", TestGateway.ADMIN_KEY};
            Run team = run(concat(new String[] {"teams", "create", "search", "--rpm", "100", "--daily-usd", "5"}, target));
            assertThat(team.code()).as(team.out()).isZero();
            assertThat(run(concat(new String[] {"teams", "list"}, target)).out()).contains("search", "100", "5.0");
            Run created = run(concat(new String[] {"keys", "create", "--name", "cli-key", "--models", "gpt-4o-mini,gpt-4o",
                    "--expires-in", "30d", "--team", "search", "--rpm", "10"}, target));
            assertThat(created.code()).as(created.out()).isZero();
            Matcher m = Pattern.compile("Created key (key_\\w+).*\\nSecret.*: (sk-sluice-\\w+)", Pattern.DOTALL).matcher(created.out());
            assertThat(m.find()).as(created.out()).isTrue();
            String id = m.group(1);
            String secret = m.group(2);

            Run list = run(concat(new String[] {"keys", "list"}, target));
            assertThat(list.out()).contains(id, "cli-key", "active", "gpt-4o-mini,gpt-4o").doesNotContain(secret);

            Run rotated = run(concat(new String[] {"keys", "rotate", id, "--grace", "1h"}, target));
            assertThat(rotated.out()).contains("Rotated key " + id, "New secret").doesNotContain(secret);
            Run revoked = run(concat(new String[] {"keys", "revoke", id}, target));
            assertThat(revoked.out()).contains("Revoked key " + id);
            assertThat(run(concat(new String[] {"keys", "list"}, target)).out()).contains("revoked");

            Run wrongKey = run("keys", "list", "--url", url, "--admin-key", "wrong-admin-key-000000000");
            assertThat(wrongKey.code()).isNotZero();
            assertThat(wrongKey.out()).contains("admin key is not correct");
            Run noServer = run("keys", "list", "--url", "http://127.0.0.1:1", "--admin-key", TestGateway.ADMIN_KEY);
            assertThat(noServer.out()).contains("cannot reach Sluice");
        }
    }

    @Test
    @DisplayName("demo starts everything, sends sample traffic with zero errors, and prints a summary and a curl line")
    @org.junit.jupiter.api.Timeout(value = 240, unit = java.util.concurrent.TimeUnit.SECONDS) // ~90 s on a loaded 2-core machine
    void demo() throws Exception {
        Path db = Files.createTempDirectory("sluice-demo").resolve("demo.db");
        Run demo = run("demo", "--port", "0", "--rounds", "2", "--no-wait", "--db", db.toString());
        assertThat(demo.code()).as(demo.out()).isZero();
        assertThat(demo.out()).contains("requests ", "errors 0", "p50", "p99", "tokens in", "curl ", "Bearer sk-sluice-");
        assertThat(demo.out()).contains("guardrail: e-mail redacted before the model, restored in the answer -> HTTP 200"
                + " (x-sluice-guardrail: input:pii:redact)", "guardrail: prompt injection refused (scanned alongside the model call: input_scan: parallel) -> HTTP 400");
        assertThat(demo.out()).contains("feedback: thumbs-up on an answer -> HTTP 201", "/metrics", "./sluice logs show ",
                "./sluice reviews list");
        // the quality fallback: broken JSON from the extractor's upstream, the client gets gpt-4o's answer
        assertThat(demo.out()).contains("/admin/config/reload   (or kill -HUP", "here: unchanged, generation 1");
        assertThat(demo.out()).contains("quality: broken JSON replaced by the fallback's answer -> HTTP 200", "fallback gpt-4o");
        // the evaluation: two prompt versions side by side, then the regression table of v2 against v1
        assertThat(demo.out()).contains("prompt v1", "prompt v2", "Regression table", "REGRESSED", "3 regressed", "is over $0.000025");
        assertThat(demo.out()).contains("promoted the winner 'concise': production -> 2", "automatic rollback after",
                "max_error_rate", "production still -> 2", "copies to version 1, 0 failed");
        assertThat(demo.out()).contains("model canary: automatic rollback: gate failed", "max_error_rate",
                "gpt-4o's traffic is back on its own deployment");
        assertThat(demo.out()).contains("--require-eval: refused (409): No stored evaluation run has evaluated support-answer@3.");
        assertThat(demo.out()).contains("P2 FIRING topic-shift: drift centroid_shift", "figures: centroid_shift",
                "read back from GET /admin/alerts", "./sluice alerts --url");
        assertThat(demo.out()).containsPattern("Dashboard: +http://127\\.0\\.0\\.1:\\d+/ui +\\(log in with the admin key above\\)");
        // the RAG trace: the app's spans and the gateway's are one trace in the store
        Matcher trace = Pattern.compile("/admin/traces/([0-9a-f]{32})").matcher(demo.out());
        assertThat(trace.find()).as(demo.out()).isTrue();
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             var ps = c.prepareStatement("SELECT DISTINCT service FROM spans_all WHERE trace_id = ? ORDER BY service")) {
            ps.setString(1, trace.group(1));
            java.util.List<String> services = new java.util.ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    services.add(rs.getString(1));
                }
            }
            assertThat(services).containsExactly("demo-rag-app", "sluice");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
