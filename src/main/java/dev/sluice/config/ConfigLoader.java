package dev.sluice.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads {@code sluice.yaml} in two phases (TensorZero's way): read the sections that stand alone
 * into typed records, failing on unknown keys and bad values with file:line; then the sections
 * that refer to others' entries (models → providers, limits/cache/alerts/guardrails → models), so
 * a broken reference stops start-up instead of failing requests. One parser per section
 * ({@code ServerParser}, {@code ProvidersParser}, ...); provider types and guardrail scanners
 * come from the registries in {@link ConfigTypes}.
 */
public final class ConfigLoader {
    public static final String DEMO_RESOURCE = "/dev/sluice/config/demo.yaml";
    private static final Set<String> TOP = Set.of("server", "auth", "store", "redis", "routing", "limits", "alerts",
            "prices", "providers", "models", "cache", "tracing", "retention",
            "guardrails", "metrics", "analytics", "quality", "evaluators", "dashboard");

    private final Map<String, String> env;
    private final ConfigTypes types;

    /**
     * @param env   the environment {@code ${env:NAME}} reads
     * @param types the provider and scanner registries (the application wires the shipped ones)
     */
    public ConfigLoader(Map<String, String> env, ConfigTypes types) {
        this.env = env;
        this.types = types;
    }

    public SluiceConfig load(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            return parse(Files.readString(file), file.toString(), dir == null ? Path.of("") : dir);
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

    /** Parses config text; relative {@code ${file:...}} paths start at the working directory. */
    public SluiceConfig parse(String yaml, String source) {
        return parse(yaml, source, Path.of(""));
    }

    private SluiceConfig parse(String yaml, String source, Path baseDir) {
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
        YamlNode root = new YamlNode(source, "", rootNode, new Placeholders(env, baseDir.toAbsolutePath()));
        if (!root.isMap()) {
            throw root.error("the config must be a mapping with sections like server:, providers:, models:", null);
        }
        root.allowOnly(TOP);
        return sections(root, source);
    }

    /**
     * Phase one reads the sections that stand alone; phase two the sections that name entries of
     * others (models name providers and other models; limits, cache, alerts and guardrails name
     * models), each handed the names it may use, so a dangling reference fails with its line.
     * Every section is read even when an earlier one is wrong, so one run reports every broken
     * section (a section that names entries of a broken one is not checked until that one is fixed).
     */
    private SluiceConfig sections(YamlNode root, String source) {
        java.util.List<String> problems = new java.util.ArrayList<>();
        ServerConfig server = read(problems, () -> ServerParser.parse(root.get("server")));
        AuthConfig auth = read(problems, () -> AuthParser.parse(root.get("auth")));
        StoreConfig store = read(problems, () -> StoreParser.parse(root.get("store")));
        RedisConfig redis = read(problems, () -> RedisParser.parse(root.get("redis")));
        Map<String, ProviderConfig> providers = read(problems,
                () -> ProvidersParser.parse(root.get("providers"), root, types.providers()));
        RoutingConfig routing = read(problems, () -> RoutingParser.parse(root.get("routing")));
        Map<String, ModelPrice> prices = read(problems, () -> PricesParser.parse(root.get("prices")));
        TracingConfig tracing = read(problems, () -> TracingParser.parse(root.get("tracing")));
        RetentionConfig retention = read(problems, () -> RetentionParser.parse(root.get("retention")));
        MetricsConfig metrics = read(problems, () -> MetricsParser.parse(root.entries().get("metrics")));
        AnalyticsConfig analytics = read(problems, () -> AnalyticsParser.parse(root.get("analytics")));
        DashboardConfig dashboard = read(problems, () -> DashboardParser.parse(root.get("dashboard")));

        Map<String, ModelConfig> models = providers == null || routing == null ? null
                : read(problems, () -> ModelsParser.parse(root.get("models"), root, providers, routing));
        LimitsConfig limits = null;
        CacheConfig cache = null;
        AlertsConfig alerts = null;
        QualityConfig quality = null;
        GuardrailsConfig guardrails = null;
        if (models != null) {
            limits = read(problems, () -> LimitsParser.parse(root.get("limits"), models));
            cache = read(problems, () -> CacheParser.parse(root.get("cache"), models));
            alerts = read(problems, () -> AlertsParser.parse(root.get("alerts"), models));
            quality = read(problems, () -> QualityParser.parse(root.get("quality"), root.get("evaluators"), models.keySet()));
            guardrails = read(problems,
                    () -> GuardrailsParser.parse(root.get("guardrails"), models.keySet(), types.scanners()));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new SluiceConfig(server, auth, store, redis, routing, limits, alerts, prices, providers, models, cache,
                tracing, retention, guardrails, metrics, analytics, quality, dashboard, source);
    }

    /** One section's parse; its problems are added to {@code problems} (and null returned) instead of thrown. */
    private static <T> T read(java.util.List<String> problems, java.util.function.Supplier<T> section) {
        try {
            return section.get();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return null;
        }
    }
}
