package dev.sluice.guard.pii;

import dev.sluice.guard.Finding;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPv4 addresses (four octets 0–255, not part of a longer dotted number such as a build id) and
 * IPv6 addresses (RFC 4291 text forms: full, {@code ::}-compressed, with an embedded IPv4 tail).
 */
public final class IpDetector implements Detector {
    private static final Pattern V4 = Pattern.compile("(?<![\\d.])(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?!\\.?\\d)");
    private static final Pattern V6 = Pattern.compile(
            "(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\\d{1,3}(?:\\.\\d{1,3}){3})?(?![0-9A-Za-z:])");

    /** "version 1.0.0.0", "build 10.0.19041.1": dotted numbers after these words are versions. */
    private static final Pattern VERSION = Pattern.compile("(?i)\\b(?:version|ver\\.?|v|build|release|firmware|rev)\\W{0,2}$");

    @Override
    public String type() {
        return "ip_address";
    }

    @Override
    public void find(String text, List<Finding> out) {
        if (text.indexOf('.') >= 0) {
            Matcher m = V4.matcher(text);
            Runs.digitRuns(text, ".", 4, (start, end) -> v4(text, m, start, end, out));
        }
        if (text.indexOf(':') >= 0) {
            Matcher m = V6.matcher(text);
            int n = text.length();
            int i = 0;
            while (i < n) {
                while (i < n && !v6Char(text.charAt(i))) {
                    i++;
                }
                int start = i;
                int colons = 0;
                while (i < n && v6Char(text.charAt(i))) {
                    colons += text.charAt(i) == ':' ? 1 : 0;
                    i++;
                }
                if (colons >= 2) {
                    // the pattern can only start where its look-behind passes: try it there, not at
                    // every position of a megabyte of "1:2:1:2:..."
                    int p = start;
                    while (p < i) {
                        char b = p == 0 ? ' ' : text.charAt(p - 1);
                        if (Character.isLetterOrDigit(b) && b < 128 || b == ':') {
                            p++;
                            continue;
                        }
                        Runs.region(m, p, i);
                        if (m.lookingAt() && m.end() > p) {
                            if (validV6(m.group())) {
                                out.add(Finding.span(type(), m.start(), m.end()));
                            }
                            p = m.end();
                        } else {
                            p++;
                        }
                    }
                }
            }
        }
    }

    private static boolean v6Char(char c) {
        return c == ':' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** V4 in [start, end), tried only where its look-behind passes (after neither a digit nor a dot). */
    private void v4(String text, Matcher m, int start, int end, List<Finding> out) {
        int p = start;
        while (p < end) {
            char b = p == 0 ? ' ' : text.charAt(p - 1);
            if (Runs.isDigit(b) || b == '.' || !Runs.isDigit(text.charAt(p))) {
                p++;
                continue;
            }
            Runs.region(m, p, end);
            if (!m.lookingAt()) {
                p++;
                continue;
            }
            p = m.end();
            if (octet(m.group(1)) && octet(m.group(2)) && octet(m.group(3)) && octet(m.group(4))
                    && !VERSION.matcher(text.substring(Math.max(0, m.start() - 12), m.start())).find()) {
                out.add(Finding.span(type(), m.start(), m.end()));
            }
        }
    }

    private static boolean octet(String s) {
        return (s.length() == 1 || s.charAt(0) != '0') && Integer.parseInt(s) <= 255;
    }

    static boolean validV6(String s) {
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        int groups = 0;
        String[] parts = s.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty()) {
                continue;
            }
            if (i == parts.length - 1 && p.indexOf('.') >= 0) {
                String[] octets = p.split("\\.");
                if (octets.length != 4) {
                    return false;
                }
                for (String o : octets) {
                    if (o.isEmpty() || o.length() > 3 || !octet(o)) {
                        return false;
                    }
                }
                groups += 2;
            } else if (p.length() <= 4) {
                groups++;
            } else {
                return false;
            }
        }
        if (doubleColon < 0) {
            // without "::" every one of the 8 groups is written, so no empty parts are allowed
            return groups == 8 && !s.startsWith(":") && !s.endsWith(":");
        }
        if (s.startsWith(":") && !s.startsWith("::") || s.endsWith(":") && !s.endsWith("::")) {
            return false;
        }
        return groups <= 7;
    }
}
