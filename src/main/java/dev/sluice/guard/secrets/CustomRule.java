package dev.sluice.guard.secrets;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * A credential pattern from the config, compiled with RE2/J: matching runs in time linear in the
 * text whatever the pattern (no backtracking), which is why look-arounds and back-references are
 * refused when the config is loaded.
 */
record CustomRule(String type, Pattern pattern) implements SecretRule {

    static CustomRule of(String type, String regex) {
        return new CustomRule(type, Pattern.compile(regex));
    }

    @Override
    public void find(String text, String lower, Sink sink) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (m.end() > m.start()) {
                sink.found(type, m.start(), m.end());
            }
        }
    }
}
