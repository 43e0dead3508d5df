package dev.sluice.guard.content;

import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Size and language limits: a message longer than {@code max_chars}, or written in a script the
 * policy does not allow (letters are counted per Unicode script; more than 10% or 20 letters of a
 * disallowed script fires). Scripts stand in for languages: Latin, Cyrillic, Han, Arabic...
 */
public final class LimitsScanner implements Scanner {
    private final int maxChars;
    private final Set<Character.UnicodeScript> scripts;

    public LimitsScanner(int maxChars, List<String> allowedScripts) {
        this.maxChars = maxChars;
        this.scripts = allowedScripts.isEmpty() ? Set.of() : EnumSet.copyOf(allowedScripts.stream()
                .map(Character.UnicodeScript::valueOf).toList());
    }

    @Override
    public String name() {
        return "limits";
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        List<Finding> out = new ArrayList<>(0);
        if (maxChars > 0 && text.length() > maxChars) {
            out.add(Finding.whole("too_long", 1.0));
        }
        if (!scripts.isEmpty()) {
            int letters = 0;
            int[] foreign = new int[Character.UnicodeScript.values().length];
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                i += Character.charCount(cp);
                if (!Character.isLetter(cp)) {
                    continue;
                }
                letters++;
                Character.UnicodeScript s = Character.UnicodeScript.of(cp);
                if (s != Character.UnicodeScript.COMMON && s != Character.UnicodeScript.INHERITED && !scripts.contains(s)) {
                    foreign[s.ordinal()]++;
                }
            }
            for (Character.UnicodeScript s : Character.UnicodeScript.values()) {
                int n = foreign[s.ordinal()];
                if (n > 0 && (n > 20 || n > letters * 0.1)) {
                    out.add(Finding.whole("script:" + s.name().toLowerCase(Locale.ROOT), Math.min(1.0, (double) n / letters + 0.5)));
                }
            }
        }
        return out;
    }
}
