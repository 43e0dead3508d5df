package dev.sluice.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.guard.answer.LeakageScanner;
import dev.sluice.guard.content.BannedScanner;
import dev.sluice.guard.content.InvisibleTextScanner;
import dev.sluice.guard.content.LimitsScanner;
import dev.sluice.guard.content.UrlScanner;
import dev.sluice.guard.injection.InjectionScanner;
import dev.sluice.guard.pii.PhoneDetector;
import dev.sluice.guard.pii.PiiScanner;
import dev.sluice.guard.secrets.SecretsScanner;
import dev.sluice.guard.toxicity.Lexicon;
import dev.sluice.guard.toxicity.ToxicityScanner;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Hostile inputs of 512 KB to 1 MB built to make a backtracking regex or a quadratic loop blow
 * up: repeated prefixes of every credential format ({@code sk-sk-sk-...}), {@code host=} N times
 * before a password, long runs of key characters, nested quotes, digit runs, unicode. Every
 * built-in scanner must complete on each. No timing is asserted here (a loaded CI machine is
 * not a stopwatch): the test's own timeout catches a quadratic scanner, which at 1 MB takes
 * minutes, and {@code bench/run jmh GuardScanBench} measures the time per megabyte.
 */
class AdversarialInputTest {
    static final int MB = 1 << 20;
    static final ScanContext USER = ScanContext.of(Direction.INPUT, "user");
    static final ScanContext OUTPUT = ScanContext.of(Direction.OUTPUT, "output");

    /** Every scanner that runs without a model download or an LLM call, each with its default options. */
    static List<Scanner> scanners() {
        return List.of(
                SecretsScanner.of(List.of(), List.<String[]>of(new String[] {"employee_token", "EMP-[0-9]{6}(?:-[A-Z]+)*"})),
                PiiScanner.of(List.of("email", "iban", "credit_card", "us_ssn", "ip_address", "phone"),
                        PhoneDetector.DEFAULT_REGIONS, List.of()),
                // the rules and the shipped n-gram model, both of which must stay linear
                new InjectionScanner(true, dev.sluice.guard.injection.InjectionModel::load, null),
                new InvisibleTextScanner(),
                new LimitsScanner(0, List.of("LATIN")),
                new BannedScanner(List.of("secret project", "internal only"), List.of("(a|aa)+b", "project [a-z]+ code"),
                        List.of(), 0.8, () -> null),
                new UrlScanner(List.of("example.com")),
                new ToxicityScanner(Lexicon.load(List.of()), null),
                new LeakageScanner(true, 8));
    }

    /** ~70 hostile texts; each is built to at least 512 KB and cut at 1 MB. */
    static List<Named> inputs() {
        List<Named> out = new ArrayList<>();
        String[] prefixes = {"sk-", "sk-ant-api03-", "sk-sluice-", "sk-sluice-admin-", "AKIA", "AIza", "GOCSPX-", "ghp_",
                "github_pat_", "glpat-", "xoxb-", "sk_live_", "hf_", "npm_", "SG.", "AccountKey=", "eyJ", "-----BEGIN ",
                "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "postgres://", "mongodb+srv://a:",
                "jdbc:postgresql://u:p", "https://hooks.slack.com/services/T", "password=", "pwd=", "api_key: '",
                "aws secret key = ", "host=", "server=a;", "data source=", "@", "a@", "a.", "+1 ", "1 ", "1-", "1.",
                "::", "ab:", "DE89", "http://", "https://x.example.com/", "ignore ", "ignore previous ", "you are now ",
                "[", "\\u200b", "\u200b", "<|im_start|>", "idiot ", "you stupid idiot, ", "system: ", "1gn0r3 ", "12 34 ", "1:2:", "1.2.3.4.", "\"", "'\"", "\\\"", "=", "é", "🙂", "ＩＧＮＯＲＥ ", "ssn "};
        for (String p : prefixes) {
            out.add(new Named("repeated " + p, repeat(p)));
        }
        out.add(new Named("host= * N then password", repeat("host=") + " password=x"));
        out.add(new Named("host=a; * N then pwd", repeat("host=a;") + "pwd=x"));
        out.add(new Named("key characters run", run(i -> "abcXYZ019_-".charAt(i % 11))));
        out.add(new Named("base64 run", run(i -> "AB+/cd09".charAt(i % 8))));
        out.add(new Named("digits", run(i -> (char) ('0' + i % 10))));
        out.add(new Named("aws then base64 40s", repeat("aws key = " + "A".repeat(39) + "b ")));
        out.add(new Named("nested quotes", repeat("password=\"'\"'") + "x"));
        out.add(new Named("emails", repeat("a.b-c@d-e.fg ")));
        out.add(new Named("long local part", "a".repeat(MB - 20) + "@example.com"));
        out.add(new Named("long domain labels", "x@" + "a-".repeat(MB / 2 - 4) + ".com"));
        out.add(new Named("spaced letters", repeat("i g n o r e ")));
        out.add(new Named("pem without end", "-----BEGIN PRIVATE KEY-----\n" + "MIIE".repeat(MB / 4 - 10)));
        out.add(new Named("jwt segments", repeat("eyJhbGciOiJIUzI1NiJ9.eyJ") + ".x"));
        out.add(new Named("phone-like run", repeat("(415) 867-5309 ")));
        return out;
    }

    record Named(String name, String text) {}

    @TestFactory
    Stream<DynamicTest> everyScannerCompletesOnHostileInput() {
        List<Scanner> scanners = scanners();
        return inputs().stream().map(input -> DynamicTest.dynamicTest(input.name(), () -> {
            assertThat(input.text().length()).isBetween(MB / 2, MB);
            for (Scanner s : scanners) {
                ScanContext context = s.name().equals("system_prompt_leak")
                        ? new ScanContext(Direction.OUTPUT, "output", "t", null, "You are a helpful assistant for ACME.",
                                "sluice-canary-0123456789ab", List.of(), null)
                        : USER;
                long t0 = System.nanoTime();
                List<Finding> findings = s.scan(input.text(), context);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (ms > 250) { // information for whoever reads the report, not an assertion
                    System.out.println("slow scan: " + s.name() + " on '" + input.name() + "': " + ms + " ms");
                }
                assertThat(findings).as(s.name()).isNotNull();
            }
        }));
    }

    static String repeat(String unit) {
        StringBuilder sb = new StringBuilder(MB);
        while (sb.length() < MB - unit.length() - 16) {
            sb.append(unit);
        }
        return sb.toString();
    }

    static String run(IntFunction<Character> at) {
        StringBuilder sb = new StringBuilder(MB);
        for (int i = 0; i < MB - 16; i++) {
            sb.append(at.apply(i).charValue());
        }
        return sb.toString();
    }
}
