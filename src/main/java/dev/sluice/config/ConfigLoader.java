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
    static final Set<String> PROVIDER_TYPES = Set.of("openai", "anthropic", "gemini", "azure", "simulator");
    /** The wire formats Sluice speaks; a simulator provider picks one with {@code format:}. */
    static final Set<String> FORMATS = Set.of("openai", "anthropic", "gemini", "azure");
    static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";
    private static final java.util.regex.Pattern API_VERSION = java.util.regex.Pattern.compile("[0-9A-Za-z.-]+");
    private static final Set<String> TOP = Set.of("server", "auth", "store", "redis", "providers", "models");

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
                redis(root.get("redis")), providers, models, source);
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

    private static Map<String, ProviderConfig> providers(YamlNode node, YamlNode root) {
        if (node == null) {
            throw root.error("no providers are configured",
                    "add a providers: section, e.g. providers: {openai: {type: openai, api_key: ${env:OPENAI_API_KEY}}}");
        }
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            YamlNode p = e.getValue().allowOnly(Set.of("type", "format", "base_url", "api_key", "api_version", "timeout",
                    "connect_timeout", "forward_headers", "options"));
            String type = p.requiredString("type", "set type to one of " + String.join(", ", PROVIDER_TYPES));
            if (!PROVIDER_TYPES.contains(type)) {
                throw p.get("type").error("unknown provider type '" + type + "'",
                        "use one of " + String.join(", ", PROVIDER_TYPES.stream().sorted().toList()));
            }
            String format = p.string("format", type.equals("simulator") ? "openai" : type);
            if (!FORMATS.contains(format)) {
                throw p.get("format").error("unknown format '" + format + "'",
                        "use one of " + String.join(", ", FORMATS.stream().sorted().toList()));
            }
            String baseUrl = p.string("base_url", switch (type) {
                case "openai" -> "https://api.openai.com/v1";
                case "anthropic" -> "https://api.anthropic.com";
                case "gemini" -> "https://generativelanguage.googleapis.com";
                default -> null;
            });
            if (type.equals("azure") && baseUrl == null) {
                throw p.error("an azure provider needs its resource endpoint",
                        "set base_url, e.g. base_url: https://my-resource.openai.azure.com");
            }
            if (baseUrl != null && !baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
                throw p.get("base_url").error("'" + baseUrl + "' is not an http(s) URL",
                        "write it like http://127.0.0.1:8000/v1");
            }
            String apiVersion = null;
            if (format.equals("azure")) {
                apiVersion = p.string("api_version", DEFAULT_AZURE_API_VERSION);
                if (!API_VERSION.matcher(apiVersion).matches()) {
                    throw p.get("api_version").error("'" + apiVersion + "' is not an Azure OpenAI API version",
                            "write it like " + DEFAULT_AZURE_API_VERSION + " or 2025-01-01-preview");
                }
            } else if (p.get("api_version") != null) {
                throw p.get("api_version").error("api_version is only for Azure OpenAI (type: azure)", "remove it");
            }
            Map<String, String> simOptions = new LinkedHashMap<>();
            YamlNode options = p.get("options");
            if (options != null) {
                if (!type.equals("simulator")) {
                    throw options.error("options are only for type: simulator", "remove them");
                }
                options.entries().forEach((k, v) -> simOptions.put(k, v.text()));
            }
            out.put(e.getKey(), new ProviderConfig(e.getKey(), type, format, baseUrl, p.string("api_key", null), apiVersion,
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
