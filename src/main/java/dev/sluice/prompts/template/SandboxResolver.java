package dev.sluice.prompts.template;

import com.hubspot.jinjava.el.TypeConvertingMapELResolver;
import com.hubspot.jinjava.el.ext.JinjavaBeanELResolver;
import com.hubspot.jinjava.el.ext.JinjavaListELResolver;
import jinjava.javax.el.ArrayELResolver;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;
import jinjava.javax.el.MethodNotFoundException;
import jinjava.javax.el.PropertyNotFoundException;

/**
 * The sandbox: which Java objects a template may touch. Jinjava's default resolver lets a template
 * call any public method or getter of any value it can reach, minus a short deny-list
 * ({@code getClass}, {@code wait}, ...); a deny-list is only as good as its author's imagination
 * (Jinjava 3 moves to allow-lists for that reason). Here it is an allow-list by package: filters,
 * tests and functions ({@code com.hubspot.jinjava.lib}), Jinjava's Python-like wrappers of lists,
 * maps and dates ({@code com.hubspot.jinjava.objects}) and the {@code loop} object. Anything else
 * (a {@code String}, a number, the interpreter itself) has no methods and no properties for a
 * template: {@code {{ name.getBytes() }}} or {@code {{ name.class }}} fail like an undefined name.
 *
 * <p>Map keys and list indices are resolved before this (by Jinjava's map and list resolvers), so
 * {@code user.name} on a variable given as a JSON object works as usual.
 */
final class SandboxResolver extends JinjavaBeanELResolver {
    private static final String LIBRARY = "com.hubspot.jinjava.lib.";
    private static final String OBJECTS = "com.hubspot.jinjava.objects.";
    private static final String LOOP = "com.hubspot.jinjava.util.ForLoop";

    SandboxResolver() {
        super(true);
    }

    /** Jinjava's read-only resolver chain, with this allow-list in place of its bean resolver. */
    static ELResolver chain() {
        CompositeELResolver chain = new CompositeELResolver();
        chain.add(new ArrayELResolver(true));
        chain.add(new JinjavaListELResolver(true));
        chain.add(new TypeConvertingMapELResolver(true));
        chain.add(new SandboxResolver());
        return chain;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (base != null && !allowed(base)) {
            throw new PropertyNotFoundException("'" + property + "' is not available on a "
                    + kind(base) + " in a prompt template");
        }
        return super.getValue(context, base, property);
    }

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base != null && !allowed(base)) {
            throw new MethodNotFoundException("Calling '" + method + "' on a " + kind(base)
                    + " is not allowed in a prompt template; use a filter instead, e.g. {{ name | upper }}");
        }
        return super.invoke(context, base, method, paramTypes, params);
    }

    static boolean allowed(Object base) {
        String name = base.getClass().getName();
        return name.startsWith(LIBRARY) || name.startsWith(OBJECTS) || name.equals(LOOP);
    }

    private static String kind(Object base) {
        return switch (base) {
            case CharSequence ignored -> "string";
            case Number ignored -> "number";
            case Boolean ignored -> "boolean";
            default -> "value of type " + base.getClass().getSimpleName();
        };
    }
}
