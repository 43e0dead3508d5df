package dev.sluice.guard.secrets;

import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * Credentials: cloud and API key formats (AWS, Google, GitHub, GitLab, Slack, Stripe, OpenAI,
 * Anthropic, Hugging Face, npm, SendGrid, Azure storage, Sluice's own keys), PEM private keys,
 * JWTs (the header must decode to JSON naming an algorithm), connection strings with a password,
 * and {@code password = ...} style assignments whose value looks random (entropy check).
 */
public final class SecretsScanner implements Scanner.Reversible {
    private static final List<SecretPattern> BUILT_IN = List.of(
            SecretPattern.of("private_key", "-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\\s\\S]*?"
                    + "(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\\z)", "-----BEGIN"),
            SecretPattern.of("aws_access_key_id", "\\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\\b", "AKIA|ASIA|ABIA|ACCA"),
            SecretPattern.of("aws_secret_access_key",
                    "(?i)aws.{0,24}?(?:secret|private)?.{0,8}?key.{0,8}?[\\s'\":=]{1,4}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])", "aws")
                    .group(1).checked(v -> entropy(v) > 3.5),
            SecretPattern.of("gcp_api_key", "\\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])", "AIza"),
            SecretPattern.of("gcp_oauth_secret", "\\bGOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])", "GOCSPX-"),
            SecretPattern.of("github_token", "\\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\\b", "ghp_|gho_|ghu_|ghs_|ghr_|github_pat_"),
            SecretPattern.of("gitlab_token", "\\bglpat-[A-Za-z0-9_-]{20}(?![A-Za-z0-9_-])", "glpat-"),
            SecretPattern.of("slack_token", "\\bxox[abposr]-[A-Za-z0-9-]{10,}", "xox"),
            SecretPattern.of("slack_webhook", "https://hooks\\.slack\\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+",
                    "hooks.slack.com"),
            SecretPattern.of("stripe_key", "\\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\\b", "sk_live_|sk_test_|rk_live_|rk_test_"),
            SecretPattern.of("anthropic_api_key", "\\bsk-ant-(?:api|admin)\\d{2}-[A-Za-z0-9_-]{20,}", "sk-ant-"),
            SecretPattern.of("sluice_api_key", "\\bsk-sluice-[A-Za-z0-9]{32}\\b", "sk-sluice-"),
            SecretPattern.of("openai_api_key", "\\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])", "sk-")
                    .checked(v -> !v.startsWith("sk-ant-") && !v.startsWith("sk-sluice-") && hasDigitAndLetter(v)),
            SecretPattern.of("huggingface_token", "\\bhf_[A-Za-z0-9]{34}\\b", "hf_"),
            SecretPattern.of("npm_token", "\\bnpm_[A-Za-z0-9]{36}\\b", "npm_"),
            SecretPattern.of("sendgrid_key", "\\bSG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}\\b", "SG."),
            SecretPattern.of("azure_storage_key", "(?i)AccountKey=[A-Za-z0-9+/]{86}==", "accountkey="),
            SecretPattern.of("jwt", "\\beyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{8,}", "eyJ")
                    .checked(SecretsScanner::jwtHeader),
            SecretPattern.of("connection_string", "(?i)\\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?"
                    + "|mssql|sqlserver|jdbc:[a-z0-9]+|clickhouse|couchbase)://[^\\s:/@'\"]+:[^\\s@'\"]+@[^\\s'\"<>]+",
                    "postgres|mysql|mariadb|mongodb|redis|amqp|mssql|sqlserver|jdbc:|clickhouse|couchbase"),
            SecretPattern.of("connection_string", "(?i)(?:server|data source|host)=[^;\\n]+;[^\\n]*?(?:password|pwd)=[^;\\s'\"]+",
                    "password=|pwd="),
            SecretPattern.of("generic_secret", "(?i)\\b(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token"
                    + "|auth[_-]?token|client[_-]?secret|private[_-]?key)\\b[\"']?\\s*[:=]\\s*[\"']?([^\\s\"',;]{8,})",
                    "password|passwd|pwd|secret|api_key|api-key|apikey|access_token|access-token|accesstoken|auth_token"
                            + "|auth-token|authtoken|client_secret|client-secret|private_key|private-key|privatekey")
                    .group(1).checked(v -> entropy(v) >= 3.0 && hasDigitAndLetter(v)));

    private final List<SecretPattern> patterns;

    private SecretsScanner(List<SecretPattern> patterns) {
        this.patterns = patterns;
    }

    /** The names of the built-in credential types, in detection order. */
    public static List<String> types() {
        return BUILT_IN.stream().map(SecretPattern::type).distinct().toList();
    }

    /** The built-in patterns of the given types (all when empty) plus custom (name, regex) pairs. */
    public static SecretsScanner of(List<String> types, List<String[]> custom) {
        List<SecretPattern> list = new ArrayList<>();
        for (SecretPattern p : BUILT_IN) {
            if (types.isEmpty() || types.contains(p.type())) {
                list.add(p);
            }
        }
        for (String[] c : custom) {
            list.add(SecretPattern.of(c[0], c[1], null));
        }
        return new SecretsScanner(List.copyOf(list));
    }

    @Override
    public String name() {
        return "secrets";
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        List<Finding> out = new ArrayList<>(0);
        String lower = null;
        for (SecretPattern p : patterns) {
            if (p.hints() != null && lower == null) {
                lower = text.toLowerCase(Locale.ROOT);
            }
            if (!p.hinted(text, lower)) {
                continue;
            }
            Matcher m = p.pattern().matcher(text);
            while (m.find()) {
                int start = m.start(p.group());
                int end = m.end(p.group());
                if (start < 0 || !p.check().test(text.substring(start, end))) {
                    continue;
                }
                Finding.addUnlessOverlapping(out, Finding.span(p.type(), start, end));
            }
        }
        return out;
    }

    /** An opened PEM block with no end line yet must be held back whole. */
    @Override
    public int holdFrom(String text, ScanContext context) {
        int begin = text.lastIndexOf("-----BEGIN");
        if (begin < 0) {
            return text.length();
        }
        int end = text.indexOf("-----END", begin);
        if (end < 0 || text.indexOf("-----", end + 8) < 0) {
            return begin;
        }
        return text.length();
    }

    /** Shannon entropy in bits per character. */
    static double entropy(String s) {
        int[] counts = new int[128];
        int other = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 128) {
                counts[c]++;
            } else {
                other++;
            }
        }
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / s.length();
                h -= p * Math.log(p) / Math.log(2);
            }
        }
        if (other > 0) {
            double p = (double) other / s.length();
            h -= p * Math.log(p) / Math.log(2);
        }
        return h;
    }

    private static boolean hasDigitAndLetter(String s) {
        boolean digit = false;
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            digit |= Character.isDigit(c);
            letter |= Character.isLetter(c);
        }
        return digit && letter;
    }

    private static boolean jwtHeader(String token) {
        try {
            String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                    StandardCharsets.UTF_8);
            return header.startsWith("{") && header.contains("\"alg\"");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
