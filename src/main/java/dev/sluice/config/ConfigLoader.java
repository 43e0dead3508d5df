package dev.sluice.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads {@code sluice.yaml} in two phases (TensorZero's way): read every section into typed
 * records, failing on unknown keys and bad values with file:line; then check references between
 * sections (models → providers) so a broken config stops start-up instead of failing requests.
 */
public final class ConfigLoader {
    public static final String DEMO_RESOURCE = "/dev/sluice/config/demo.yaml";
    static final Set<String> PROVIDER_TYPES = Set.of("openai", "anthropic", "simulator");
    private static final Set<String> TOP = Set.of("server", "auth", "store", "redis", "providers", "models",
            "cache");

    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    public static ConfigLoader fromEnvironment() {
        return new ConfigLoader(System.getenv());
    }

    public SluiceConfig load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found. Fix: pass an existing file with --config, "
                    + "or run without --config for the built-in demo config");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    /** The built-in demo config: the simulator as the upstream, every feature on. */
    public SluiceConfig loadDemo() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the demo config is missing from the jar: " + DEMO_RESOURCE);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in demo config");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in demo config", e);
        }
    }

    public SluiceConfig parse(String yaml, String source) {
        Node rootNode;
        try (Reader reader = new StringReader(yaml)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            rootNode = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(source + ":" + line + ": this is not valid YAML: " + e.getProblem()
                    + ". Fix: check the indentation and quoting on that line");
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(source + ": this is not valid YAML: " + e.getMessage());
        }
        if (rootNode == null) {
            throw new ConfigException(source + ": the file is empty. Fix: see examples/sluice.yaml for a starting point");
        }
        YamlNode root = new YamlNode(source, "", rootNode, new EnvResolver(env));
        if (!root.isMap()) {
            throw root.error("the config must be a mapping with sections like server:, providers:, models:", null);
        }
        root.allowOnly(TOP);
        Map<String, ProviderConfig> providers = providers(root.get("providers"), root);
        Map<String, ModelConfig> models = models(root.get("models"), root, providers);
        return new SluiceConfig(server(root.get("server")), auth(root.get("auth")), store(root.get("store")),
                redis(root.get("redis")), providers, models, cache(root.get("cache"), models), source);
    }

    private static ServerConfig server(YamlNode node) {
        if (node == null) {
            return new ServerConfig("0.0.0.0", 8080, 20L * 1024 * 1024, Duration.ofSeconds(30));
        }
        node.allowOnly(Set.of("host", "port", "max_body_bytes", "drain_timeout"));
        return new ServerConfig(node.string("host", "0.0.0.0"), node.integer("port", 8080, 0, 65535),
                node.bytes("max_body_bytes", 20L * 1024 * 1024), node.duration("drain_timeout", Duration.ofSeconds(30)));
    }

    private static AuthConfig auth(YamlNode node) {
        if (node == null) {
            return new AuthConfig(true, null);
        }
        node.allowOnly(Set.of("enabled", "admin_key"));
        String adminKey = node.string("admin_key", null);
        if (adminKey != null && adminKey.isBlank()) {
            adminKey = null;
        }
        if (adminKey != null && adminKey.length() < 16) {
            throw node.get("admin_key").error("the admin key is too short to be safe",
                    "use at least 16 random characters, e.g. from `openssl rand -hex 24`");
        }
        return new AuthConfig(node.bool("enabled", true), adminKey);
    }

    private static StoreConfig store(YamlNode node) {
        if (node == null) {
            return new StoreConfig("sluice.db", 100_000);
        }
        node.allowOnly(Set.of("path", "queue_capacity"));
        return new StoreConfig(node.string("path", "sluice.db"), node.integer("queue_capacity", 100_000, 100, 10_000_000));
    }

    private static RedisConfig redis(YamlNode node) {
        if (node == null) {
            return null;
        }
        node.allowOnly(Set.of("url", "timeout", "fail_open"));
        String url = node.requiredString("url", "write it like redis://127.0.0.1:6379/0");
        if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw node.get("url").error("'" + url + "' is not a Redis URL", "write it like redis://127.0.0.1:6379/0");
        }
        return new RedisConfig(url, node.duration("timeout", Duration.ofMillis(250)), node.bool("fail_open", true));
    }

    private static CacheConfig cache(YamlNode node, Map<String, ModelConfig> models) {
        CacheConfig defaults = CacheConfig.off();
        if (node == null) {
            return defaults;
        }
        node.allowOnly(Set.of("enabled", "scope", "ttl", "max_ttl", "max_entries", "only_deterministic", "redis",
                "redis_prefix", "semantic", "models"));
        String scopeText = node.string("scope", "team").strip().toLowerCase(java.util.Locale.ROOT);
        CacheConfig.Scope scope = switch (scopeText) {
            case "key" -> CacheConfig.Scope.KEY;
            case "team" -> CacheConfig.Scope.TEAM;
            case "global" -> CacheConfig.Scope.GLOBAL;
            default -> throw node.get("scope").error("unknown cache scope '" + scopeText + "'",
                    "use key (one virtual key), team (default) or global (every caller shares answers)");
        };
        Duration ttl = positive(node, "ttl", defaults.ttl());
        Duration maxTtl = positive(node, "max_ttl", defaults.maxTtl());
        if (ttl.compareTo(maxTtl) > 0) {
            throw node.get("ttl").error("ttl " + ttl + " is longer than max_ttl " + maxTtl, "raise max_ttl or lower ttl");
        }
        CacheConfig.Semantic semantic = defaults.semantic();
        YamlNode s = node.get("semantic");
        if (s != null) {
            s.allowOnly(Set.of("enabled", "threshold", "max_entries", "max_question_chars", "path"));
            semantic = new CacheConfig.Semantic(s.bool("enabled", true),
                    s.number("threshold", CacheConfig.DEFAULT_THRESHOLD, 0.5, 1.0),
                    s.integer("max_entries", semantic.maxEntries(), 1, 10_000_000),
                    s.integer("max_question_chars", semantic.maxQuestionChars(), 1, 100_000), s.string("path", null));
        } else {
            semantic = new CacheConfig.Semantic(true, semantic.threshold(), semantic.maxEntries(),
                    semantic.maxQuestionChars(), null);
        }
        Map<String, CacheConfig.ModelRule> rules = new LinkedHashMap<>();
        YamlNode m = node.get("models");
        if (m != null) {
            for (Map.Entry<String, YamlNode> e : m.entries().entrySet()) {
                if (!models.containsKey(e.getKey())) {
                    throw e.getValue().error("model '" + e.getKey() + "' is not defined under models:",
                            "use one of " + String.join(", ", models.keySet()));
                }
                YamlNode r = e.getValue().allowOnly(Set.of("enabled", "ttl", "semantic", "threshold"));
                Duration modelTtl = r.get("ttl") == null ? null : positive(r, "ttl", null);
                if (modelTtl != null && modelTtl.compareTo(maxTtl) > 0) {
                    throw r.get("ttl").error("ttl " + modelTtl + " is longer than max_ttl " + maxTtl,
                            "raise cache.max_ttl or lower this ttl");
                }
                rules.put(e.getKey(), new CacheConfig.ModelRule(
                        r.get("enabled") == null ? null : r.bool("enabled", true), modelTtl,
                        r.get("semantic") == null ? null : r.bool("semantic", true),
                        r.get("threshold") == null ? null : r.number("threshold", 0, 0.5, 1.0)));
            }
        }
        String prefix = node.string("redis_prefix", defaults.redisPrefix());
        if (prefix.isBlank()) {
            throw node.get("redis_prefix").error("the Redis key prefix is empty", "use e.g. sluice:cache:");
        }
        return new CacheConfig(node.bool("enabled", true), scope, ttl, maxTtl,
                node.integer("max_entries", defaults.maxEntries(), 1, 100_000_000),
                node.bool("only_deterministic", true), node.bool("redis", true), prefix, semantic, rules);
    }

    private static Duration positive(YamlNode node, String key, Duration fallback) {
        Duration d = node.duration(key, fallback);
        if (d != null && d.isZero()) {
            throw node.get(key).error("'" + key + "' must be longer than zero", "write it like 10m, 1h or 7d");
        }
        return d;
    }

    private static Map<String, ProviderConfig> providers(YamlNode node, YamlNode root) {
        if (node == null) {
            throw root.error("no providers are configured",
                    "add a providers: section, e.g. providers: {openai: {type: openai, api_key: ${env:OPENAI_API_KEY}}}");
        }
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            YamlNode p = e.getValue().allowOnly(Set.of("type", "format", "base_url", "api_key", "timeout",
                    "connect_timeout", "forward_headers", "options"));
            String type = p.requiredString("type", "set type to one of " + String.join(", ", PROVIDER_TYPES));
            if (!PROVIDER_TYPES.contains(type)) {
                throw p.get("type").error("unknown provider type '" + type + "'",
                        "use one of " + String.join(", ", PROVIDER_TYPES.stream().sorted().toList()));
            }
            String format = p.string("format", type.equals("simulator") ? "openai" : type);
            if (!format.equals("openai") && !format.equals("anthropic")) {
                throw p.get("format").error("unknown format '" + format + "'", "use openai or anthropic");
            }
            String baseUrl = p.string("base_url", switch (type) {
                case "openai" -> "https://api.openai.com/v1";
                case "anthropic" -> "https://api.anthropic.com";
                default -> null;
            });
            if (baseUrl != null && !baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
                throw p.get("base_url").error("'" + baseUrl + "' is not an http(s) URL",
                        "write it like http://127.0.0.1:8000/v1");
            }
            Map<String, String> simOptions = new LinkedHashMap<>();
            YamlNode options = p.get("options");
            if (options != null) {
                if (!type.equals("simulator")) {
                    throw options.error("options are only for type: simulator", "remove them");
                }
                options.entries().forEach((k, v) -> simOptions.put(k, v.text()));
            }
            out.put(e.getKey(), new ProviderConfig(e.getKey(), type, format, baseUrl, p.string("api_key", null),
                    p.duration("timeout", Duration.ofSeconds(120)), p.duration("connect_timeout", Duration.ofSeconds(10)),
                    p.strings("forward_headers"), simOptions));
        }
        if (out.isEmpty()) {
            throw node.error("no providers are configured", "add at least one provider");
        }
        return out;
    }

    private static Map<String, ModelConfig> models(YamlNode node, YamlNode root, Map<String, ProviderConfig> providers) {
        if (node == null) {
            throw root.error("no models are configured",
                    "add a models: section mapping public names to providers, e.g. models: {gpt-4o: {provider: openai}}");
        }
        Map<String, ModelConfig> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            YamlNode m = e.getValue();
            List<ModelConfig.DeploymentConfig> deployments = new ArrayList<>();
            YamlNode list = m.allowOnly(Set.of("provider", "model", "weight", "deployments")).get("deployments");
            if (list != null) {
                if (m.get("provider") != null) {
                    throw m.error("give either provider/model or a deployments list, not both",
                            "move provider and model into the deployments list");
                }
                for (YamlNode d : list.items()) {
                    deployments.add(deployment(d.allowOnly(Set.of("provider", "model", "weight")), e.getKey(), providers));
                }
            } else {
                deployments.add(deployment(m, e.getKey(), providers));
            }
            if (deployments.isEmpty()) {
                throw m.error("model '" + e.getKey() + "' has no deployments", "add at least one deployment");
            }
            out.put(e.getKey(), new ModelConfig(e.getKey(), deployments));
        }
        if (out.isEmpty()) {
            throw node.error("no models are configured", "add at least one model");
        }
        return out;
    }

    private static ModelConfig.DeploymentConfig deployment(YamlNode d, String modelName, Map<String, ProviderConfig> providers) {
        String provider = d.requiredString("provider", "name the provider that serves '" + modelName + "'");
        if (!providers.containsKey(provider)) {
            throw d.get("provider").error("provider '" + provider + "' is not defined",
                    "define it under providers:, or use one of " + String.join(", ", providers.keySet()));
        }
        return new ModelConfig.DeploymentConfig(provider, d.string("model", modelName), d.integer("weight", 1, 0, 1_000_000));
    }

}
