package dev.sluice.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Span findings that do not overlap, in the order they were accepted: a finding overlapping one
 * already accepted is dropped. The overlap test is a tree lookup, so a text with a hundred
 * thousand findings costs n log n, not n² (a linear list was scanned for every finding).
 */
public final class Disjoint {
    private final TreeMap<Integer, Integer> spans = new TreeMap<>();
    private final List<Finding> accepted = new ArrayList<>(0);

    /** Adds the finding unless it overlaps one already accepted; whole-text findings are always kept. */
    public boolean add(Finding f) {
        if (!f.isSpan() || f.end() <= f.start()) {
            accepted.add(f);
            return true;
        }
        // accepted spans are disjoint, so only the last one starting before f's end can overlap it
        Map.Entry<Integer, Integer> before = spans.floorEntry(f.end() - 1);
        if (before != null && before.getValue() > f.start()) {
            return false;
        }
        spans.put(f.start(), f.end());
        accepted.add(f);
        return true;
    }

    public List<Finding> list() {
        return accepted;
    }
}
