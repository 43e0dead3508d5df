package dev.sluice.prompts.template;

import com.hubspot.jinjava.tree.Node;
import java.util.Map;
import java.util.Set;

/**
 * A parsed template, rendered as often as needed from any thread (rendering reads the parsed tree
 * and keeps its state in a per-render context).
 */
public final class CompiledTemplate {
    private final TemplateEngine engine;
    private final String source;
    private final Node root;
    private final TemplateNames.Names names;

    CompiledTemplate(TemplateEngine engine, String source, Node root, TemplateNames.Names names) {
        this.engine = engine;
        this.source = source;
        this.root = root;
        this.names = names;
    }

    public String source() {
        return source;
    }

    /** The variables a caller is expected to give (names the template reads but does not bind), in order of first use. */
    public Set<String> variables() {
        return names.free();
    }

    /** Whether the template reads this name anywhere (also where it binds the name itself). */
    public boolean mentions(String name) {
        return names.mentioned().contains(name);
    }

    /**
     * Renders with these variables (strings, numbers, booleans, lists and maps of them, as parsed
     * from JSON). With a strict engine, a name no variable defines is a {@link TemplateException}
     * naming the variable; {@link TemplateEngine#requireUsed} checks the opposite.
     */
    public String render(Map<String, ?> variables) {
        return engine.render(root, names, variables);
    }
}
