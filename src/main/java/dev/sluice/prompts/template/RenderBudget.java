package dev.sluice.prompts.template;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.util.Map;
import java.util.Set;

/**
 * The variables of one render, and how much work it has done: every tag or expression evaluated
 * counts one, and past {@link TemplateEngine#MAX_NODES} the render stops. Jinjava bounds output
 * size and {@code range}, but not a loop nested in a loop; this does. Every iteration of a loop
 * renders at least one node of its body, because a loop with an empty body (which does nothing but
 * spin) is refused at compile time.
 */
final class RenderBudget extends Context {
    private int nodes;
    private boolean exceeded;

    /** @param disabled the tags and filters refused (a render's own context must carry them) */
    RenderBudget(Context global, Map<String, ?> variables, Map<Library, Set<String>> disabled) {
        super(global, variables, disabled);
    }

    /** Refuses a {@code for} loop with an empty body: its iterations would render nothing to count. */
    static void requireLoopBodies(Node node) {
        if (node instanceof TagNode tag && "for".equals(tag.getTag().getName()) && node.getChildren().isEmpty()) {
            throw new TemplateException(TemplateException.Kind.SYNTAX, null, node.getLineNumber(), "line "
                    + node.getLineNumber() + ": this for loop has an empty body, so it does nothing; remove it");
        }
        for (Node child : node.getChildren()) {
            requireLoopBodies(child);
        }
    }

    boolean exceeded() {
        return exceeded;
    }

    /** Jinjava's node pre-processor: finds the render's budget among the scopes and charges it. */
    static void count(Node node, JinjavaInterpreter interpreter) {
        for (Context c = interpreter.getContext(); c != null; c = c.getParent()) {
            if (c instanceof RenderBudget budget) {
                if (++budget.nodes > TemplateEngine.MAX_NODES) {
                    budget.exceeded = true;
                    throw new IllegalStateException("the template evaluated more than " + TemplateEngine.MAX_NODES
                            + " tags and expressions");
                }
                return;
            }
        }
    }
}
