package dev.sluice.guard.content;

import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Links to hosts outside an allow-list ({@code example.com} allows it and its subdomains).
 * Catches http(s) URLs, including those inside markdown links and images, which is how an answer
 * can exfiltrate data through a URL the client renders.
 */
public final class UrlScanner implements Scanner {
    private static final Pattern URL = Pattern.compile("(?i)\\bhttps?://([^\\s/?#<>\"'()\\[\\]{}|\\\\^`]+)[^\\s<>\"'`]*");
    private final List<String> allowed;

    public UrlScanner(List<String> allowedHosts) {
        this.allowed = allowedHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT).replaceFirst("^\\*\\.", "")).toList();
    }

    @Override
    public String name() {
        return "urls";
    }

    @Override
    public boolean redactable() {
        return true;
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        if (!text.contains("://")) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>(1);
        Matcher m = URL.matcher(text);
        while (m.find()) {
            int end = m.end();
            while (end > m.start() && ".,;:!?)]}".indexOf(text.charAt(end - 1)) >= 0) {
                end--;
            }
            if (!allowed(host(m.group(1)))) {
                out.add(Finding.span("url", m.start(), end));
            }
        }
        return out;
    }

    private static String host(String authority) {
        String h = authority;
        int at = h.lastIndexOf('@');
        if (at >= 0) {
            h = h.substring(at + 1);
        }
        int colon = h.lastIndexOf(':');
        if (colon >= 0 && !h.endsWith("]")) {
            h = h.substring(0, colon);
        }
        try {
            return IDN.toASCII(h.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return h.toLowerCase(Locale.ROOT);
        }
    }

    private boolean allowed(String host) {
        for (String a : allowed) {
            if (host.equals(a) || host.endsWith("." + a)) {
                return true;
            }
        }
        return false;
    }
}
