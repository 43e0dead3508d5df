package dev.sluice.guard.answer;

import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import dev.sluice.guard.TextKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * System-prompt leakage: the canary token the input guard planted in the system prompt appearing
 * in the answer, or the answer repeating a run of consecutive words of the system prompt
 * ({@code min_overlap_words}, default 12; fewer for a short prompt).
 */
public final class LeakageScanner implements Scanner {
    private static final int CACHE = 256;
    private final boolean canary;
    private final int minOverlapWords;
    private final Map<String, Shingles> shingles = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Shingles> eldest) {
            return size() > CACHE;
        }
    };

    public LeakageScanner(boolean canary, int minOverlapWords) {
        this.canary = canary;
        this.minOverlapWords = minOverlapWords;
    }

    @Override
    public String name() {
        return "system_prompt_leak";
    }

    /** Whether the input guard should plant a canary in the system prompt. */
    public boolean plantsCanary() {
        return canary;
    }

    @Override
    public boolean appliesTo(ScanContext context) {
        return context.canary() != null || !context.systemPrompt().isBlank();
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        List<Finding> out = new ArrayList<>(0);
        if (context.canary() != null) {
            int at = text.indexOf(context.canary());
            if (at >= 0) {
                out.add(Finding.span("canary", at, at + context.canary().length()));
            }
        }
        String system = context.systemPrompt();
        if (!system.isBlank()) {
            Shingles known = shingles(system);
            long[] hashes = shingleHashes(text, known.k());
            for (long h : hashes) {
                if (known.hashes().contains(h)) {
                    out.add(Finding.whole("overlap", 1.0));
                    break;
                }
            }
        }
        return out;
    }

    private record Shingles(int k, Set<Long> hashes) {}

    /**
     * The hashes of every run of {@code k} consecutive words (lower case, letters and digits), computed
     * from per-word hashes without building the words: a long answer costs one pass.
     */
    static long[] shingleHashes(String text, int k) {
        long[] words = new long[Math.max(16, text.length() / 4)];
        int count = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && !Character.isLetterOrDigit(text.charAt(i))) {
                i++;
            }
            long h = 1125899906842597L;
            int start = i;
            while (i < n && Character.isLetterOrDigit(text.charAt(i))) {
                h = 31 * h + Character.toLowerCase(text.charAt(i));
                i++;
            }
            if (i > start) {
                if (count == words.length) {
                    words = java.util.Arrays.copyOf(words, count * 2);
                }
                words[count++] = h;
            }
        }
        if (count < k) {
            return new long[0];
        }
        long[] out = new long[count - k + 1];
        for (int s = 0; s + k <= count; s++) {
            long h = 0;
            for (int j = 0; j < k; j++) {
                h = h * 1_000_003L + words[s + j];
            }
            out[s] = h;
        }
        return out;
    }

    /** The run length that counts as a leak: min_overlap_words, or 60% of a short prompt (at least 5). */
    private int window(String system) {
        int promptWords = Words.of(system).size();
        return Math.max(5, Math.min(minOverlapWords, (int) Math.ceil(promptWords * 0.6)));
    }

    private Shingles shingles(String system) {
        synchronized (shingles) {
            Shingles s = shingles.get(TextKey.of(system));
            if (s != null) {
                return s;
            }
        }
        int k = window(system);
        Set<Long> set = new HashSet<>();
        for (long h : shingleHashes(system, k)) {
            set.add(h);
        }
        Shingles s = new Shingles(k, set);
        synchronized (shingles) {
            shingles.put(TextKey.of(system), s);
        }
        return s;
    }
}
