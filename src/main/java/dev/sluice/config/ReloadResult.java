package dev.sluice.config;

import java.time.Instant;
import java.util.List;

/**
 * What one config reload did.
 *
 * @param outcome         {@code applied} (a new config generation serves new requests), {@code unchanged} (nothing
 *                        a reload applies differs) or {@code rejected} (the running config keeps serving)
 * @param generation      the config generation serving after the reload (1 is the one the gateway started with)
 * @param trigger         who asked: {@code admin_api}, {@code sighup} or {@code config_watch}
 * @param changed         what the reload applied ({@link ConfigDiff#changed()})
 * @param requiresRestart changes in the file that only a restart applies ({@link ConfigDiff#requiresRestart()})
 * @param errors          why it was rejected: every problem found in the file
 */
public record ReloadResult(String outcome, long generation, String source, String trigger, Instant at,
                           List<String> changed, List<String> requiresRestart, List<String> errors) {
    public ReloadResult {
        changed = List.copyOf(changed);
        requiresRestart = List.copyOf(requiresRestart);
        errors = List.copyOf(errors);
    }

    public boolean rejected() {
        return outcome.equals("rejected");
    }

    /** One line for the console and the log. */
    public String summary() {
        return switch (outcome) {
            case "applied" -> "config reloaded (generation " + generation + "): changed " + String.join(", ", changed)
                    + (requiresRestart.isEmpty() ? "" : "; needs a restart to apply: " + String.join(", ", requiresRestart))
                    + (errors.isEmpty() ? "" : "; but " + String.join(" | ", errors));
            case "unchanged" -> "config reloaded: nothing to apply"
                    + (requiresRestart.isEmpty() ? "" : "; needs a restart to apply: " + String.join(", ", requiresRestart));
            default -> "config reload rejected, the running config (generation " + generation + ") stays: "
                    + String.join(" | ", errors);
        };
    }
}
