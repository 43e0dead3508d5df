package dev.sluice.guard.content;

import dev.sluice.guard.Finding;
import dev.sluice.guard.Invisible;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import java.util.ArrayList;
import java.util.List;

/**
 * Invisible text and token smuggling: Unicode tag characters (invisible copies of ASCII that
 * models still read), bidi overrides that reorder what a reviewer sees, zero-width characters
 * inside words, and variation-selector runs used to hide bytes. A zero-width joiner between
 * emoji and a single variation selector after a symbol are normal and left alone. Redaction
 * removes the characters.
 */
public final class InvisibleTextScanner implements Scanner {

    @Override
    public String name() {
        return "invisible_text";
    }

    @Override
    public boolean redactable() {
        return true;
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        List<Finding> out = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp < 0x00AD) {
                i++;
                continue;
            }
            if (!Invisible.isInvisible(cp) || legitimate(text, i, cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            String type = Invisible.isTag(cp) ? "tag_characters" : Invisible.isBidiControl(cp) ? "bidi_control"
                    : Invisible.isVariationSelector(cp) ? "variation_selectors" : "zero_width";
            while (i < text.length() && Invisible.isInvisible(text.codePointAt(i))) {
                i += Character.charCount(text.codePointAt(i));
            }
            if (out == null) {
                out = new ArrayList<>(2);
            }
            out.add(Finding.span(type, start, i));
        }
        return out == null ? List.of() : out;
    }

    @Override
    public String mask(Finding finding) {
        return "";
    }

    /** ZWJ inside an emoji sequence, one VS15/VS16 after a symbol, a soft hyphen inside a word. */
    private static boolean legitimate(String text, int i, int cp) {
        int prev = i > 0 ? text.codePointBefore(i) : 0;
        int next = i + 1 < text.length() ? text.codePointAt(i + Character.charCount(cp)) : 0;
        if (cp == 0x200D) {
            return emoji(prev) && emoji(next);
        }
        if (cp == 0xFE0E || cp == 0xFE0F) {
            return !Character.isLetterOrDigit(prev) && prev != 0 && !Invisible.isVariationSelector(next);
        }
        if (cp == 0x00AD) {
            return Character.isLetter(prev) && Character.isLetter(next);
        }
        if (cp == 0x200C) {
            // ZWNJ shapes Persian, Arabic and Indic scripts
            return prev > 0x0600 && Character.isLetter(prev);
        }
        return false;
    }

    private static boolean emoji(int cp) {
        return cp >= 0x1F000 || (cp >= 0x2600 && cp <= 0x27BF) || cp == 0xFE0F;
    }
}
