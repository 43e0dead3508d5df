package dev.sluice.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What differs between the running config and a newly loaded one, split into what a reload applies
 * ({@link #RELOADABLE}: providers, models, routing, guardrails, limits, prices, alerts) and what
 * only a restart can change (the listener, the store, Redis, auth, the cache, tracing, ...), so a
 * reload never ignores a change silently.
 *
 * @param changed         reloadable changes, as {@code section} or {@code section.entry} (e.g. {@code models.gpt-4o},
 *                        {@code providers.openai}: an entry added, removed or changed, a rotated secret included)
 * @param requiresRestart changes a reload does not apply, as {@code section.key} (e.g. {@code server.port})
 */
public record ConfigDiff(List<String> changed, List<String> requiresRestart) {
    /** The sections a reload swaps. */
    public static final Set<String> RELOADABLE = Set.of("providers", "models", "routing", "guardrails", "limits",
            "prices", "alerts");

    public ConfigDiff {
        changed = List.copyOf(changed);
        requiresRestart = List.copyOf(requiresRestart);
    }

    /** Whether the reload changes anything it applies. */
    public boolean applies() {
        return !changed.isEmpty();
    }

    public static ConfigDiff between(SluiceConfig running, SluiceConfig loaded) {
        List<String> changed = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        for (RecordComponent c : SluiceConfig.class.getRecordComponents()) {
            String section = snake(c.getName());
            if (section.equals("source")) {
                continue;
            }
            Object before = value(c, running);
            Object after = value(c, loaded);
            if (Objects.equals(before, after)) {
                continue;
            }
            List<String> where = RELOADABLE.contains(section) ? changed : restart;
            where.addAll(parts(section, before, after));
        }
        return new ConfigDiff(changed, restart);
    }

    /** The differing entries of a map section, or keys of a record section; the section itself otherwise. */
    private static List<String> parts(String section, Object before, Object after) {
        List<String> out = new ArrayList<>();
        if (before instanceof Map<?, ?> a && after instanceof Map<?, ?> b) {
            Set<String> keys = new TreeSet<>();
            a.keySet().forEach(k -> keys.add(String.valueOf(k)));
            b.keySet().forEach(k -> keys.add(String.valueOf(k)));
            for (String k : keys) {
                if (!Objects.equals(a.get(k), b.get(k))) {
                    out.add(section + "." + k);
                }
            }
        } else if (before != null && after != null && before.getClass().isRecord() && before.getClass() == after.getClass()) {
            for (RecordComponent c : before.getClass().getRecordComponents()) {
                if (!Objects.equals(value(c, before), value(c, after))) {
                    out.add(section + "." + snake(c.getName()));
                }
            }
        }
        if (out.isEmpty()) {
            out.add(section);
        }
        return out;
    }

    private static Object value(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + record.getClass().getSimpleName(), e);
        }
    }

    /** {@code maxBodyBytes} → {@code max_body_bytes}, as the YAML spells it. */
    static String snake(String camel) {
        StringBuilder out = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                out.append('_').append(Character.toLowerCase(ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
