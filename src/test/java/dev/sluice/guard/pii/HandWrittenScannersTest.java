package dev.sluice.guard.pii;

import dev.sluice.guard.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The card, SSN and IP scanners were regexes that backtracked through every group of a megabyte
 * of digit groups (issue 14); they are now hand-written, or try their pattern only where its
 * look-behind passes. These tests hold them to the patterns they replaced, on random texts made
 * of digits, separators and the odd letter (plus real-looking values inserted), so the rewrite
 * changes the cost and nothing else.
 */
@DisplayName("Hand-written PII scanners find exactly what the old patterns found")
class HandWrittenScannersTest {
    private static final Pattern CARD = Pattern.compile("(?<![\\d.,-])\\d(?:[ -]?\\d){12,18}(?![\\d-])");
    private static final Pattern SSN = Pattern.compile("(?<![\\d-])(\\d{3})([- ]?)(\\d{2})\\2(\\d{4})(?![\\d-])");
    private static final Pattern SSN_KEYWORD = Pattern.compile("\\b(?:ssn|ss#|social security|soc\\.? sec\\.?|ssa)");
    private static final Pattern V4 = Pattern.compile("(?<![\\d.])(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?!\\.?\\d)");
    private static final Pattern V6 = Pattern.compile(
            "(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\\d{1,3}(?:\\.\\d{1,3}){3})?(?![0-9A-Za-z:])");
    private static final String[] INSERTS = {"4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005", "ssn 123-45-6789 ",
            "SSN: 123 45 6789", "123456789", "192.168.1.20", "10.0.0.255.1", "2001:db8::8a2e:370:7334", "fe80::1", "::ffff:192.0.2.1"};

    private static List<String> spans(List<Finding> found) {
        return found.stream().map(f -> f.start() + "-" + f.end()).toList();
    }

    private static String randomText(Random r) {
        String alphabet = "0123456789012345678901234567890123456789 - .,:axf";
        StringBuilder sb = new StringBuilder();
        int n = 5 + r.nextInt(60);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        for (int k = 0; k < 2; k++) {
            if (r.nextBoolean()) {
                sb.insert(r.nextInt(sb.length()), INSERTS[r.nextInt(INSERTS.length)]);
            }
        }
        return sb.toString();
    }

    @Test
    @DisplayName("cards: the same spans as (?<![\\d.,-])\\d(?:[ -]?\\d){12,18}(?![\\d-]) + one separator kind + issuer + Luhn")
    void cards() {
        Random r = new Random(14);
        int hits = 0;
        for (int it = 0; it < 50_000; it++) {
            String t = randomText(r);
            List<Finding> got = new ArrayList<>();
            new CardDetector().find(t, got);
            List<String> expected = new ArrayList<>();
            Matcher m = CARD.matcher(t);
            while (m.find()) {
                String c = m.group();
                String d = c.replace(" ", "").replace("-", "");
                if (!(c.contains(" ") && c.contains("-")) && CardDetector.knownIssuer(d) && CardDetector.luhn(d)) {
                    expected.add(m.start() + "-" + m.end());
                }
            }
            hits += expected.size();
            assertThat(spans(got)).as(t).isEqualTo(expected);
        }
        assertThat(hits).isGreaterThan(200); // the comparison is not vacuous
    }

    @Test
    @DisplayName("SSNs: the same spans as the SSA-rules pattern, keyword required unless dashed")
    void ssns() {
        Random r = new Random(15);
        int hits = 0;
        for (int it = 0; it < 50_000; it++) {
            String t = randomText(r);
            List<Finding> got = new ArrayList<>();
            new SsnDetector().find(t, got);
            List<String> expected = new ArrayList<>();
            Matcher m = SSN.matcher(t);
            while (m.find()) {
                int area = Integer.parseInt(m.group(1));
                int group = Integer.parseInt(m.group(3));
                int serial = Integer.parseInt(m.group(4));
                if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
                    continue;
                }
                String before = t.substring(Math.max(0, m.start() - 48), m.start()).toLowerCase(Locale.ROOT);
                if (m.group(2).equals("-") || SSN_KEYWORD.matcher(before).find()) {
                    expected.add(m.start() + "-" + m.end());
                }
            }
            hits += expected.size();
            assertThat(spans(got)).as(t).isEqualTo(expected);
        }
        assertThat(hits).isGreaterThan(200); // the comparison is not vacuous
    }

    @Test
    @DisplayName("IP addresses: the same candidates as the IPv4 and IPv6 patterns run with find()")
    void ips() {
        Random r = new Random(16);
        int hits = 0;
        for (int it = 0; it < 50_000; it++) {
            String t = randomText(r);
            List<Finding> got = new ArrayList<>();
            new IpDetector().find(t, got);
            List<String> expected = new ArrayList<>();
            Matcher m = V4.matcher(t);
            while (m.find()) {
                boolean octets = true;
                for (int g = 1; g <= 4; g++) {
                    String s = m.group(g);
                    octets &= (s.length() == 1 || s.charAt(0) != '0') && Integer.parseInt(s) <= 255;
                }
                if (octets) {
                    expected.add(m.start() + "-" + m.end());
                }
            }
            m = V6.matcher(t);
            while (m.find()) {
                if (IpDetector.validV6(m.group())) {
                    expected.add(m.start() + "-" + m.end());
                }
            }
            hits += expected.size();
            assertThat(spans(got)).as(t).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(hits).isGreaterThan(200); // the comparison is not vacuous
    }
}
