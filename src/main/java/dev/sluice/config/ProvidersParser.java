package dev.sluice.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code providers:} section. The keys every provider has are read here; the type
 * named by {@code type:} is looked up in the provider registry, which reads the rest.
 */
final class ProvidersParser {
    private static final Set<String> COMMON = Set.of("type", "base_url", "api_key", "timeout", "connect_timeout",
            "forward_headers");

    private ProvidersParser() {}

    static Map<String, ProviderConfig> parse(YamlNode node, YamlNode root, Map<String, ProviderSchema> types) {
        if (node == null) {
            throw root.error("no providers are configured",
                    "add a providers: section, e.g. providers: {openai: {type: openai, api_key: ${env:OPENAI_API_KEY}}}");
        }
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            try {
                out.put(e.getKey(), provider(e.getKey(), e.getValue(), types));
            } catch (ConfigException broken) {
                // every provider's problem in one report (an unreadable secret file in two providers shows twice)
                problems.addAll(broken.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        if (out.isEmpty()) {
            throw node.error("no providers are configured", "add at least one provider");
        }
        return out;
    }

    private static ProviderConfig provider(String name, YamlNode p, Map<String, ProviderSchema> types) {
        String typeName = p.requiredString("type", "set type to one of " + String.join(", ", types.keySet()));
        ProviderSchema type = types.get(typeName);
        if (type == null) {
            throw p.get("type").unknown("provider type", typeName, types.keySet());
        }
        Set<String> known = new HashSet<>(COMMON);
        known.addAll(type.options().keys());
        refuseOtherTypesKeys(p, known, types);
        p.allowOnly(known);
        String baseUrl = p.string("base_url", type.defaultBaseUrl());
        if (baseUrl == null && type.baseUrlExample() != null) {
            throw p.error("a provider of type " + typeName + " needs base_url",
                    "set it, e.g. base_url: " + type.baseUrlExample());
        }
        if (baseUrl != null && !baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw p.get("base_url").error("'" + baseUrl + "' is not an http(s) URL", "write it like http://127.0.0.1:8000/v1");
        }
        return new ProviderConfig(name, typeName, baseUrl, p.string("api_key", null),
                p.duration("timeout", Duration.ofSeconds(120)), p.duration("connect_timeout", Duration.ofSeconds(10)),
                p.strings("forward_headers"), type.options().read(p));
    }

    /** A key of another provider type gets "only for type: x" rather than "unknown key". */
    private static void refuseOtherTypesKeys(YamlNode p, Set<String> known, Map<String, ProviderSchema> types) {
        for (Map.Entry<String, YamlNode> e : p.entries().entrySet()) {
            if (known.contains(e.getKey())) {
                continue;
            }
            List<String> owners = new ArrayList<>();
            for (ProviderSchema t : types.values()) {
                if (t.options().keys().contains(e.getKey())) {
                    owners.add(t.name());
                }
            }
            if (!owners.isEmpty()) {
                throw e.getValue().error(e.getKey() + " is only for type: " + String.join(" or ", owners), "remove it");
            }
        }
    }
}
