package dev.sluice.eval;

import java.util.List;

/**
 * A prompt of a suite: chat messages whose contents are templates ({@code {{ var }}}), and a label
 * that names it in reports. A plain text prompt is one user message, as promptfoo sends it.
 */
public record EvalPrompt(String label, List<Message> messages) {
    /** The label of the empty prompt of a suite whose providers are all registry prompts and that lists none. */
    public static final String REGISTRY_ONLY = "registry prompt";

    public EvalPrompt {
        messages = List.copyOf(messages);
    }

    /** One message: its role and its content, a template rendered with the test's variables. */
    public record Message(String role, String content) {}

    public static EvalPrompt text(String label, String template) {
        return new EvalPrompt(label, List.of(new Message("user", template)));
    }
}
