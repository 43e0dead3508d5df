package dev.sluice.prompts;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.List;

/** Unified diffs (as {@code diff -u} and git print them) between the YAML forms of two contents. */
public final class VersionDiff {
    private static final int CONTEXT_LINES = 3;

    private VersionDiff() {}

    /**
     * The diff from {@code before} (null: nothing) to {@code after}, labelled with the two names;
     * empty when they are equal.
     */
    public static String unified(String beforeName, PromptContent before, String afterName, PromptContent after) {
        List<String> a = before == null ? List.of() : PromptFiles.yaml(before).lines().toList();
        List<String> b = PromptFiles.yaml(after).lines().toList();
        Patch<String> patch = DiffUtils.diff(a, b);
        if (patch.getDeltas().isEmpty()) {
            return "";
        }
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff(beforeName, afterName, a, patch, CONTEXT_LINES);
        return String.join("\n", lines) + "\n";
    }
}
