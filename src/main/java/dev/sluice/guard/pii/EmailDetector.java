package dev.sluice.guard.pii;

import dev.sluice.guard.Finding;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * E-mail addresses: RFC 5321 dot-atom local parts and host names with a letters-only top-level
 * domain that is not a file extension ({@code logo@2x.png} is an image, not an address).
 */
public final class EmailDetector implements Detector {
    private static final Pattern EMAIL = Pattern.compile(
            "(?<![A-Za-z0-9._%+-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+([A-Za-z]{2,24})(?![A-Za-z0-9-])");
    private static final Set<String> FILE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico",
            "css", "js", "ts", "map", "pdf", "txt", "json", "xml", "html", "htm", "yaml", "yml", "tiff", "heic");

    @Override
    public String type() {
        return "email";
    }

    @Override
    public void find(String text, List<Finding> out) {
        if (text.indexOf('@') < 0) {
            return;
        }
        Matcher m = EMAIL.matcher(text);
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        int searchFrom = 0;
        int previous = -1;
        for (int at = text.indexOf('@'); at >= 0; previous = at, at = text.indexOf('@', at + 1)) {
            // the address around this '@': at most 64 characters of local part before it, 255 after,
            // and no other '@' in either (so the windows of a text full of '@' do not overlap)
            int next = text.indexOf('@', at + 1);
            int lo = Math.max(Math.max(searchFrom, at - 64), previous + 1);
            int hi = Math.min(Math.min(text.length(), at + 256), next < 0 ? text.length() : next);
            if (lo >= hi || at == lo || at + 1 >= hi || !hostStart(text.charAt(at + 1))) {
                continue; // no local part before or host after: the common case in a text full of '@'
            }
            if (!dotBetween(text, at + 2, hi)) {
                continue; // a host name has a dot before the next '@'
            }
            m.region(lo, hi);
            if (m.find() && m.start() <= at && m.end() > at) {
                accept(text, m, out);
                searchFrom = m.end();
            }
        }
    }

    private static boolean dotBetween(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '.') {
                return true;
            }
        }
        return false;
    }

    private static boolean hostStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private void accept(String text, Matcher m, List<Finding> out) {
        int at = text.indexOf('@', m.start());
        if (at - m.start() > 64 || m.end() - m.start() > 254) {
            return;
        }
        if (FILE_EXTENSIONS.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
            return;
        }
        int start = m.start();
        // a leading quote or apostrophe belongs to the sentence, not the address
        while (start < at && "'`".indexOf(text.charAt(start)) >= 0) {
            start++;
        }
        out.add(Finding.span(type(), start, m.end()));
    }
}
