package dev.sluice.guard.secrets;

import dev.sluice.guard.Disjoint;
import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import dev.sluice.guard.secrets.TokenRule.End;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Credentials: cloud and API key formats (AWS, Google, GitHub, GitLab, Slack, Stripe, OpenAI,
 * Anthropic, Hugging Face, npm, SendGrid, Azure storage, Sluice's own keys), PEM private keys,
 * JWTs (the header must decode to JSON naming an algorithm), connection strings with a password,
 * and {@code password = ...} style assignments whose value looks random (entropy check).
 */
public final class SecretsScanner implements Scanner.Reversible {
    private static final List<SecretRule> BUILT_IN = List.of(
            new PemRule(),
            TokenRule.of("aws_access_key_id", "AKIA|ASIA|ABIA|ACCA", CharClass.UPPER_DIGIT, 16, true, End.WORD_BOUNDARY),
            new AwsSecretRule(),
            TokenRule.of("gcp_api_key", "AIza", CharClass.TOKEN, 35, true, End.NOT_CLASS),
            TokenRule.of("gcp_oauth_secret", "GOCSPX-", CharClass.TOKEN, 28, true, End.NOT_CLASS),
            TokenRule.of("github_token", "ghp_|gho_|ghu_|ghs_|ghr_", CharClass.ALNUM, 36, true, End.WORD_BOUNDARY),
            TokenRule.of("github_token", "github_pat_", CharClass.WORD, 82, true, End.WORD_BOUNDARY),
            TokenRule.of("gitlab_token", "glpat-", CharClass.TOKEN, 20, true, End.NOT_CLASS),
            TokenRule.of("slack_token", "xoxa-|xoxb-|xoxp-|xoxo-|xoxs-|xoxr-", CharClass.ALNUM_DASH, 10, false, End.ANY),
            TokenRule.of("slack_webhook", "https://hooks.slack.com/services/T", CharClass.WORD, 1, false, End.ANY)
                    .anywhere().then(SecretsScanner::slackWebhookTail),
            TokenRule.of("stripe_key", "sk_live_|sk_test_|rk_live_|rk_test_", CharClass.ALNUM, 16, false, End.WORD_BOUNDARY),
            TokenRule.of("anthropic_api_key", "sk-ant-", CharClass.TOKEN, 26, false, End.ANY)
                    .checked(SecretsScanner::anthropicShape),
            // Sluice's own keys: admin keys (sk-sluice-admin-..., sk-sluice-adm-...) and virtual keys
            TokenRule.of("sluice_admin_key", "sk-sluice-admin-|sk-sluice-adm-", CharClass.TOKEN, 16, false, End.NOT_CLASS),
            TokenRule.of("sluice_api_key", "sk-sluice-", CharClass.TOKEN, 16, false, End.NOT_CLASS)
                    .checked(v -> !v.startsWith("sk-sluice-admin-") && !v.startsWith("sk-sluice-adm-")),
            TokenRule.of("openai_api_key", "sk-", CharClass.TOKEN, 20, false, End.NOT_CLASS)
                    .checked(v -> !v.startsWith("sk-ant-") && !v.startsWith("sk-sluice-") && hasDigitAndLetter(v)),
            TokenRule.of("huggingface_token", "hf_", CharClass.ALNUM, 34, true, End.WORD_BOUNDARY),
            TokenRule.of("npm_token", "npm_", CharClass.ALNUM, 36, true, End.WORD_BOUNDARY),
            TokenRule.of("sendgrid_key", "SG.", CharClass.TOKEN, 22, true, End.NOT_CLASS)
                    .then(SecretsScanner::sendgridTail),
            TokenRule.of("azure_storage_key", "accountkey=", CharClass.BASE64, 86, true, End.NOT_CLASS)
                    .anywhere().caseInsensitive().then((text, end, runs) -> text.startsWith("==", end) ? end + 2 : -1),
            TokenRule.of("jwt", "eyJ", CharClass.TOKEN, 5, false, End.ANY)
                    .then(SecretsScanner::jwtTail).checked(SecretsScanner::jwtHeader),
            new UrlCredentialRule(),
            new KeyValueConnectionRule(),
            new AssignmentRule());

    private final List<SecretRule> rules;

    private SecretsScanner(List<SecretRule> rules) {
        this.rules = rules;
    }

    /** The names of the built-in credential types, in detection order. */
    public static List<String> types() {
        return SecretRule.types(BUILT_IN);
    }

    /**
     * The built-in rules of the given types (all when empty) plus custom (name, regex) pairs, the
     * regexes in RE2 syntax (checked when the config is loaded).
     */
    public static SecretsScanner of(List<String> types, List<String[]> custom) {
        List<SecretRule> list = new ArrayList<>();
        for (SecretRule r : BUILT_IN) {
            if (types.isEmpty() || types.contains(r.type())) {
                list.add(r);
            }
        }
        for (String[] c : custom) {
            list.add(CustomRule.of(c[0], c[1]));
        }
        return new SecretsScanner(List.copyOf(list));
    }

    @Override
    public String name() {
        return "secrets";
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        Disjoint found = new Disjoint();
        String lower = text.toLowerCase(Locale.ROOT);
        for (SecretRule rule : rules) {
            rule.find(text, lower, (type, start, end) -> found.add(Finding.span(type, start, end)));
        }
        return found.list();
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

    static boolean hasDigitAndLetter(String s) {
        boolean digit = false;
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            digit |= Character.isDigit(c);
            letter |= Character.isLetter(c);
        }
        return digit && letter;
    }

    /** After a Slack webhook's team id: {@code /B<id>/<token>}. */
    private static int slackWebhookTail(String text, int end, Runs runs) {
        if (!text.startsWith("/B", end)) {
            return -1;
        }
        int bot = runs.end(text, end + 2);
        if (bot == end + 2 || !text.startsWith("/", bot)) {
            return -1;
        }
        int token = runs.end(text, bot + 1);
        return token > bot + 1 ? token : -1;
    }

    /** After {@code SG.} and 22 characters: {@code .} and 43 more, at a word boundary. */
    private static int sendgridTail(String text, int end, Runs runs) {
        if (!text.startsWith(".", end) || runs.end(text, end + 1) < end + 44 || !CharClass.boundary(text, end + 44)) {
            return -1;
        }
        return end + 44;
    }

    /** A JWT's {@code .eyJ<payload>.<signature>} after its header. */
    private static int jwtTail(String text, int end, Runs runs) {
        if (!text.startsWith(".eyJ", end)) {
            return -1;
        }
        int payload = runs.end(text, end + 4);
        if (payload - (end + 4) < 5 || payload - end > MAX_JWT_PART || !text.startsWith(".", payload)) {
            return -1;
        }
        int signature = runs.end(text, payload + 1);
        return signature - (payload + 1) >= 8 && signature - payload <= MAX_JWT_PART ? signature : -1;
    }

    /** A JWT's payload or signature is at most this long here (they are copied to be checked). */
    private static final int MAX_JWT_PART = 16_384;

    /** {@code sk-ant-} then {@code api} or {@code admin}, two digits, a dash and 20 or more characters. */
    private static boolean anthropicShape(String token) {
        int i = "sk-ant-".length();
        if (token.startsWith("api", i)) {
            i += 3;
        } else if (token.startsWith("admin", i)) {
            i += 5;
        } else {
            return false;
        }
        return token.length() >= i + 3 + 20 && Character.isDigit(token.charAt(i)) && Character.isDigit(token.charAt(i + 1))
                && token.charAt(i + 2) == '-' && token.charAt(i) < 128 && token.charAt(i + 1) < 128;
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
