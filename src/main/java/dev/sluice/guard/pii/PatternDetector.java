package dev.sluice.guard.pii;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.sluice.guard.Finding;
import java.util.List;

/** A detector from config: a name and a regular expression, compiled once with RE2/J (linear time, no backtracking). */
public final class PatternDetector implements Detector {
    private final String type;
    private final Pattern pattern;

    public PatternDetector(String type, String regex) {
        this.type = type;
        this.pattern = Pattern.compile(regex);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public void find(String text, List<Finding> out) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (m.end() > m.start()) {
                out.add(Finding.span(type, m.start(), m.end()));
            }
        }
    }
}
