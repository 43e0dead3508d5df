package dev.sluice.prompts.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.loader.ResourceLocator;
import com.hubspot.jinjava.tree.Node;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Jinja templates for prompts, rendered by HubSpot's Jinjava inside a sandbox. One engine serves the
 * whole process (it is thread-safe); a template is compiled once and rendered per request.
 *
 * <p>The sandbox, layer by layer:
 * <ul>
 *   <li>variables are data: values are never interpreted as templates (nested interpretation off,
 *       the {@code render} filter disabled), so an end user's text cannot inject template code;</li>
 *   <li>no Java: the {@link SandboxResolver} allow-list gives templates no methods or properties of
 *       plain values, the interpreter or anything outside Jinjava's filters and wrappers;</li>
 *   <li>no files: {@code include}, {@code import}, {@code from} and {@code extends} are disabled,
 *       and the resource locator refuses every name anyway;</li>
 *   <li>bounded work: output and string length ({@link #MAX_OUTPUT_CHARS}), list and map sizes,
 *       {@code range} (Jinjava's 1,000), recursion depth, and the number of tags and expressions one
 *       render may evaluate ({@link #MAX_NODES}), so a loop cannot spin for long.</li>
 * </ul>
 *
 * <p>Jinja's defaults (a single trailing newline of the template dropped), except {@code trim_blocks} and {@code lstrip_blocks}, which are on (as in
 * Hugging Face chat templates and Ansible): a tag on its own line leaves no blank line behind, which
 * is what prompt authors writing YAML block scalars expect.
 */
public final class TemplateEngine {
    /** Characters one render may produce (and the longest string it may build). */
    public static final long MAX_OUTPUT_CHARS = 1_000_000;
    /** Tags and expressions one render may evaluate: a nested loop over a big list stops here. */
    public static final int MAX_NODES = 100_000;
    private static final int MAX_COLLECTION = 10_000;
    private static final Map<Context.Library, Set<String>> DISABLED = Map.of(
            Context.Library.TAG, Set.of("include", "import", "from", "extends"),
            Context.Library.FILTER, Set.of("render"));
    private static final ResourceLocator NO_FILES = new ResourceLocator() {
        @Override
        public String getString(String name, Charset encoding, JinjavaInterpreter interpreter) throws IOException {
            throw new IOException("prompt templates cannot read other templates or files");
        }
    };

    /** What a template does with a name no variable defines. */
    public enum Undefined {
        /** Fail, naming the variable (the prompt registry: a missing variable is a client error). */
        STRICT,
        /** Render it as empty text, like Jinja's default and promptfoo's Nunjucks (evaluations). */
        LENIENT
    }

    /** Jinjava and its config, made on the first template compiled or rendered (not at start-up: ~300 classes). */
    private record Engine(Jinjava jinjava, JinjavaConfig config) {}

    private final Undefined undefined;
    private volatile Engine engine;

    private TemplateEngine(Undefined undefined) {
        this.undefined = undefined;
    }

    private Engine engine() {
        Engine e = engine;
        if (e == null) {
            synchronized (this) {
                e = engine;
                if (e == null) {
                    JinjavaConfig config = JinjavaConfig.newBuilder()
                            .withFailOnUnknownTokens(undefined == Undefined.STRICT)
                            .withNestedInterpretationEnabled(false)
                            .withElResolver(SandboxResolver.chain())
                            .withDisabled(DISABLED)
                            .withMaxOutputSize(MAX_OUTPUT_CHARS)
                            .withMaxStringLength(MAX_OUTPUT_CHARS)
                            .withMaxListSize(MAX_COLLECTION)
                            .withMaxMapSize(MAX_COLLECTION)
                            .withEnableRecursiveMacroCalls(false)
                            .withTrimBlocks(true)
                            .withLstripBlocks(true)
                            .withNodePreProcessor(RenderBudget::count)
                            .build();
                    Jinjava jinjava = new Jinjava(config);
                    jinjava.setResourceLocator(NO_FILES);
                    e = new Engine(jinjava, config);
                    engine = e;
                }
            }
        }
        return e;
    }

    /** Undefined names are errors that name the variable: what the prompt registry uses. */
    public static TemplateEngine strict() {
        return new TemplateEngine(Undefined.STRICT);
    }

    /** Undefined names render as empty text, as Jinja and Nunjucks do by default. */
    public static TemplateEngine lenient() {
        return new TemplateEngine(Undefined.LENIENT);
    }

    public Undefined undefined() {
        return undefined;
    }

    /**
     * Parses a template once.
     *
     * @throws TemplateException of kind {@code SYNTAX} (or {@code FORBIDDEN} for a disabled tag or
     *                           filter), with the line
     */
    public CompiledTemplate compile(String source) {
        Engine engine = engine();
        JinjavaInterpreter interpreter = new JinjavaInterpreter(engine.jinjava(), new Context(engine.jinjava().getGlobalContext(), null, DISABLED), engine.config());
        JinjavaInterpreter.pushCurrent(interpreter);
        Node root;
        try {
            root = interpreter.parse(withoutTrailingNewline(source));
        } finally {
            JinjavaInterpreter.popCurrent();
        }
        for (TemplateError e : interpreter.getErrorsCopy()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw RenderErrors.compile(e);
            }
        }
        RenderBudget.requireLoopBodies(root);
        return new CompiledTemplate(this, source, root, TemplateNames.of(root));
    }

    /**
     * Jinja's {@code keep_trailing_newline=False}: one newline at the very end of the template text
     * is dropped (a YAML block scalar always ends with one); the values' own newlines are kept.
     */
    private static String withoutTrailingNewline(String source) {
        if (source.endsWith("\r\n")) {
            return source.substring(0, source.length() - 2);
        }
        return source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
    }

    /** Compiles and renders in one go (for one-off renders; compile once when rendering often). */
    public String render(String source, Map<String, ?> variables) {
        return compile(source).render(variables);
    }

    /**
     * With a strict engine, fails on the first given variable that none of the templates mentions
     * (a prompt's messages are several templates sharing one set of variables): it cannot change
     * the output, so it is most likely misspelt.
     *
     * @throws TemplateException of kind {@code UNUSED_VARIABLE} naming it
     */
    public void requireUsed(Collection<String> given, List<CompiledTemplate> templates) {
        if (undefined != Undefined.STRICT) {
            return;
        }
        for (String name : given) {
            if (templates.stream().noneMatch(t -> t.mentions(name))) {
                Set<String> all = new LinkedHashSet<>();
                templates.forEach(t -> all.addAll(t.variables()));
                throw RenderErrors.unused(name, all);
            }
        }
    }

    String render(Node root, TemplateNames.Names names, Map<String, ?> variables) {
        Engine engine = engine();
        RenderBudget context = new RenderBudget(engine.jinjava().getGlobalContext(), variables, DISABLED);
        JinjavaInterpreter interpreter = new JinjavaInterpreter(engine.jinjava(), context, engine.config());
        JinjavaInterpreter.pushCurrent(interpreter);
        String output = null;
        RuntimeException thrown = null;
        try {
            output = interpreter.render(root, false);
        } catch (RuntimeException e) {
            thrown = e;
        } finally {
            JinjavaInterpreter.popCurrent();
        }
        if (context.exceeded()) {
            throw RenderErrors.overBudget();
        }
        List<TemplateError> fatal = interpreter.getErrorsCopy().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
        if (thrown != null || !fatal.isEmpty()) {
            throw RenderErrors.render(fatal, thrown, interpreter.getLineNumber(), variables.keySet(), names);
        }
        return output;
    }
}
