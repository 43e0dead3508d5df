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
    private static final Set<String> TOP = Set.of("server", "auth", "store", "redis", "routing", "limits", "alerts",
            "prices", "providers", "models", "cache", "tracing", "retention",
            "guardrails", "metrics");
    static final Set<String> STRATEGIES = Set.of("weighted", "least_busy", "lowest_latency", "lowest_cost", "priority");
    /**
     * Error classes a fallback can name: the provider error classes' labels, plus
     * {@code no_deployment} (every deployment's breaker is open or it is at its in-flight limit).
     */
    public static final Set<String> FALLBACK_CLASSES = Set.of("rate_limited", "server_error", "timeout",
            "connection_error", "malformed_response", "context_length_exceeded", "content_filter",
            "upstream_auth_error", "bad_request", "no_deployment");

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
        Map<String, ProviderConfig> providers = ProvidersParser.parse(root.get("providers"), root, types.providers());
        RoutingConfig routing = routing(root.get("routing"));
        Map<String, ModelConfig> models = models(root.get("models"), root, providers, routing);
        LimitsConfig limits = limits(root.get("limits"), models);
        return new SluiceConfig(server(root.get("server")), auth(root.get("auth")), store(root.get("store")),
                redis(root.get("redis")), routing, limits, alerts(root.get("alerts"), models), prices(root.get("prices")), providers,
                models, cache(root.get("cache"), models), tracing(root.get("tracing")), retention(root.get("retention")),
                GuardrailsParser.parse(root.get("guardrails"), models.keySet(), types.scanners()), metrics(root.entries().get("metrics")),
                source);
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
            return new StoreConfig("sluice.db", null, 100_000, spillDirFor("sluice.db", null));
        }
        node.allowOnly(Set.of("path", "url", "queue_capacity", "spill_dir"));
        String url = node.string("url", null);
        if (url != null && url.isBlank()) {
            url = null;
        }
        if (url != null && !url.startsWith("jdbc:postgresql://")) {
            throw node.get("url").error("'" + url + "' is not a PostgreSQL JDBC URL",
                    "write it like jdbc:postgresql://127.0.0.1:5432/sluice?user=sluice&password=${env:PGPASSWORD}");
        }
        String path = node.string("path", "sluice.db");
        return new StoreConfig(path, url, node.integer("queue_capacity", 100_000, 100, 10_000_000),
                node.string("spill_dir", spillDirFor(path, url)));
    }

    /** By default records spill next to the SQLite file, or under .sluice/ for PostgreSQL. */
    private static String spillDirFor(String sqlitePath, String url) {
        if (url != null) {
            return ".sluice/spill";
        }
        java.nio.file.Path parent = java.nio.file.Path.of(sqlitePath).toAbsolutePath().getParent();
        return (parent == null ? java.nio.file.Path.of("spill") : parent.resolve("spill")).toString();
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

    private static LimitsConfig limits(YamlNode node, Map<String, ModelConfig> models) {
        if (node == null) {
            return LimitsConfig.NONE;
        }
        node.allowOnly(Set.of("key", "team", "user", "models", "estimated_output_tokens"));
        Map<String, Quota> perModel = new LinkedHashMap<>();
        YamlNode modelNode = node.get("models");
        if (modelNode != null) {
            for (Map.Entry<String, YamlNode> e : modelNode.entries().entrySet()) {
                if (!models.containsKey(e.getKey())) {
                    throw e.getValue().error("model '" + e.getKey() + "' is not defined",
                            "use one of " + String.join(", ", models.keySet()));
                }
                Quota q = quota(e.getValue());
                if (q.dailyUsd() != null || q.monthlyUsd() != null) {
                    throw e.getValue().error("budgets are per key, team or user, not per model",
                            "keep rpm, tpm and concurrency here");
                }
                perModel.put(e.getKey(), q);
            }
        }
        return new LimitsConfig(quota(node.get("key")), quota(node.get("team")), quota(node.get("user")), perModel,
                node.integer("estimated_output_tokens", 256, 0, 1_000_000));
    }

    private static Quota quota(YamlNode node) {
        if (node == null) {
            return Quota.NONE;
        }
        node.allowOnly(Set.of("rpm", "tpm", "concurrency", "daily_usd", "monthly_usd"));
        return new Quota(optionalInt(node, "rpm"), optionalInt(node, "tpm"), optionalInt(node, "concurrency"),
                optionalUsd(node, "daily_usd"), optionalUsd(node, "monthly_usd"));
    }

    private static Integer optionalInt(YamlNode node, String key) {
        return node.get(key) == null ? null : node.integer(key, 0, 1, Integer.MAX_VALUE);
    }

    private static Double optionalUsd(YamlNode node, String key) {
        return node.get(key) == null ? null : node.number(key, 0, 0, 1e12);
    }

    private static AlertsConfig alerts(YamlNode node, Map<String, ModelConfig> models) {
        if (node == null) {
            return AlertsConfig.DEFAULTS;
        }
        node.allowOnly(Set.of("webhook", "budget_thresholds", "rules", "evaluation_interval"));
        String webhook = node.string("webhook", null);
        if (webhook != null && webhook.isBlank()) {
            webhook = null;
        }
        if (webhook != null && !webhook.startsWith("http://") && !webhook.startsWith("https://")) {
            throw node.get("webhook").error("'" + webhook + "' is not an http(s) URL", "give the webhook's full URL");
        }
        List<Integer> thresholds = new ArrayList<>();
        YamlNode list = node.get("budget_thresholds");
        if (list == null) {
            thresholds.addAll(AlertsConfig.DEFAULTS.budgetThresholds());
        } else {
            for (YamlNode item : list.items()) {
                String text = item.text().strip();
                try {
                    int pct = Integer.parseInt(text);
                    if (pct < 1 || pct > 100) {
                        throw new NumberFormatException();
                    }
                    thresholds.add(pct);
                } catch (NumberFormatException e) {
                    throw item.error("'" + text + "' is not a percentage", "use whole numbers from 1 to 100, e.g. [50, 80, 100]");
                }
            }
        }
        Duration interval = node.duration("evaluation_interval", AlertsConfig.DEFAULT_EVALUATION_INTERVAL);
        if (interval.isZero()) {
            throw node.get("evaluation_interval").error("the evaluation interval must be positive", "e.g. 15s");
        }
        List<AlertRule> rules = new ArrayList<>();
        YamlNode ruleList = node.get("rules");
        if (ruleList != null) {
            Set<String> names = new java.util.HashSet<>();
            for (YamlNode r : ruleList.items()) {
                AlertRule rule = alertRule(r, models);
                if (!names.add(rule.name())) {
                    throw r.get("name").error("a second alert rule is named '" + rule.name() + "'", "give each rule its own name");
                }
                rules.add(rule);
            }
        }
        return new AlertsConfig(webhook, thresholds.stream().sorted().distinct().toList(), rules, interval);
    }

    private static AlertRule alertRule(YamlNode r, Map<String, ModelConfig> models) {
        r.allowOnly(Set.of("name", "metric", "model", "team", "window", "threshold", "min_samples", "priority", "message",
                "cooldown"));
        String name = r.requiredString("name", "name the rule, e.g. name: high-error-rate");
        String metric = r.requiredString("metric", "use one of " + new java.util.TreeSet<>(AlertRule.METRICS));
        if (!AlertRule.METRICS.contains(metric)) {
            throw r.get("metric").error("unknown alert metric '" + metric + "'",
                    "use one of " + new java.util.TreeSet<>(AlertRule.METRICS));
        }
        String model = r.string("model", null);
        if (model != null && !models.containsKey(model)) {
            throw r.get("model").error("alert rule '" + name + "' names the unknown model '" + model + "'",
                    "use a model defined under models: (" + String.join(", ", models.keySet()) + ")");
        }
        Duration window = r.duration("window", Duration.ofMinutes(5));
        if (window.isZero()) {
            throw r.get("window").error("the window must be positive", "e.g. window: 5m");
        }
        YamlNode t = r.get("threshold");
        if (t == null) {
            throw r.error("alert rule '" + name + "' has no threshold", "add e.g. threshold: 5% (rates), 2s (latency) or 10 (USD)");
        }
        String raw = t.text().strip();
        double threshold;
        try {
            if (metric.endsWith("_rate")) {
                threshold = raw.endsWith("%") ? Double.parseDouble(raw.substring(0, raw.length() - 1).strip()) / 100
                        : Double.parseDouble(raw);
                if (threshold < 0 || threshold > 1) {
                    throw t.error("'" + raw + "' is not a rate between 0 and 1", "write it as 5% or 0.05");
                }
            } else if (metric.equals(AlertRule.LATENCY_P99) || metric.equals(AlertRule.TTFT_P99)) {
                Duration d = Durations.parse(raw);
                if (d == null || d.isNegative()) {
                    throw new NumberFormatException();
                }
                threshold = d.toMillis() / 1000.0;
            } else {
                threshold = Double.parseDouble(raw.startsWith("$") ? raw.substring(1) : raw);
                if (threshold < 0) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw t.error("'" + raw + "' is not a valid threshold for " + metric,
                    metric.endsWith("_rate") ? "write it as 5% or 0.05"
                            : metric.equals(AlertRule.SPEND) ? "give USD, e.g. 10 or 2.5" : "write a duration, e.g. 2s or 800ms");
        }
        int minSamples = r.integer("min_samples", metric.equals(AlertRule.SPEND) ? 1 : 10, 1, Integer.MAX_VALUE);
        String priority = r.string("priority", "P2").strip().toUpperCase(java.util.Locale.ROOT);
        if (!Set.of("P1", "P2", "P3").contains(priority)) {
            throw r.get("priority").error("unknown priority '" + priority + "'", "use P1 (act now), P2 or P3 (for information)");
        }
        String message = r.requiredString("message", "say what is wrong and where to look, e.g. 'Upstream errors on gpt-4o;"
                + " check the provider status page and /admin/logs?status=502'");
        Duration cooldown = r.duration("cooldown", Duration.ofMinutes(30));
        return new AlertRule(name, metric, model, r.string("team", null), window, threshold, minSamples, priority,
                message.strip(), cooldown);
    }

    /** The metrics section, or null when absent (no /metrics, no OTLP metrics); an empty {@code metrics:} turns them on. */
    private static MetricsConfig metrics(YamlNode node) {
        if (node == null) {
            return null;
        }
        if (!node.isMap() && Set.of("", "~", "null", "{}").contains(node.text().strip())) {
            return new MetricsConfig(null, null, MetricsConfig.DEFAULT_EXPORT_INTERVAL);
        }
        if (!node.isMap()) {
            throw node.error("metrics: must be a mapping (it may be empty: metrics: {})", "e.g. metrics: {bearer_token: ...}");
        }
        node.allowOnly(Set.of("bearer_token", "otlp_endpoint", "export_interval"));
        String token = node.string("bearer_token", null);
        if (token != null && token.isBlank()) {
            token = null;
        }
        String endpoint = node.string("otlp_endpoint", null);
        if (endpoint != null && endpoint.isBlank()) {
            endpoint = null;
        }
        if (endpoint != null && !endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw node.get("otlp_endpoint").error("'" + endpoint + "' is not an http(s) URL",
                    "give the collector's OTLP/HTTP metrics URL, e.g. http://127.0.0.1:4318/v1/metrics");
        }
        Duration interval = node.duration("export_interval", MetricsConfig.DEFAULT_EXPORT_INTERVAL);
        if (interval.isZero()) {
            throw node.get("export_interval").error("the export interval must be positive", "e.g. 30s");
        }
        return new MetricsConfig(token, endpoint, interval);
    }

    private static Map<String, ModelPrice> prices(YamlNode node) {
        if (node == null) {
            return Map.of();
        }
        Map<String, ModelPrice> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            YamlNode p = e.getValue().allowOnly(Set.of("input", "output", "cached_input"));
            double input = p.number("input", 0, 0, 1e6);
            out.put(e.getKey(), new ModelPrice(input, p.number("output", 0, 0, 1e6), p.number("cached_input", input, 0, 1e6)));
        }
        return out;
    }

    private static TracingConfig tracing(YamlNode node) {
        TracingConfig d = TracingConfig.DEFAULTS;
        if (node == null) {
            return d;
        }
        node.allowOnly(Set.of("enabled", "otlp_endpoint", "capture", "sample_rate", "redact", "service_name"));
        String endpoint = node.string("otlp_endpoint", null);
        if (endpoint != null && endpoint.isBlank()) {
            endpoint = null;
        }
        if (endpoint != null && !endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw node.get("otlp_endpoint").error("'" + endpoint + "' is not an http(s) URL",
                    "give the collector's OTLP/HTTP traces URL, e.g. http://127.0.0.1:4318/v1/traces");
        }
        String capture = node.string("capture", d.capture());
        if (!Set.of("none", "metadata", "full").contains(capture)) {
            throw node.get("capture").error("unknown capture mode '" + capture + "'", "use none, metadata or full");
        }
        return new TracingConfig(node.bool("enabled", d.enabled()), endpoint, capture,
                node.number("sample_rate", d.sampleRate(), 0, 1), node.bool("redact", d.redact()),
                node.string("service_name", d.serviceName()));
    }

    private static RetentionConfig retention(YamlNode node) {
        RetentionConfig d = RetentionConfig.DEFAULTS;
        if (node == null) {
            return d;
        }
        node.allowOnly(Set.of("request_log", "spans", "bodies", "audit", "feedback", "interval"));
        return new RetentionConfig(node.duration("request_log", d.requestLog()), node.duration("spans", d.spans()),
                node.duration("bodies", d.bodies()), node.duration("audit", d.audit()),
                node.duration("feedback", d.feedback()), node.duration("interval", d.interval()));
    }

    private static RoutingConfig routing(YamlNode node) {
        RoutingConfig d = RoutingConfig.defaults();
        if (node == null) {
            return d;
        }
        node.allowOnly(Set.of("strategy", "retries", "backoff_base", "backoff_max", "max_retry_after", "timeouts",
                "circuit_breaker"));
        RoutingConfig.BreakerConfig b = d.breaker();
        YamlNode breaker = node.get("circuit_breaker");
        if (breaker != null) {
            breaker.allowOnly(Set.of("enabled", "failure_rate", "window", "min_calls", "open_for", "half_open_calls"));
            b = new RoutingConfig.BreakerConfig(breaker.bool("enabled", b.enabled()),
                    (float) breaker.number("failure_rate", b.failureRate(), 1, 100),
                    breaker.integer("window", b.window(), 1, 10_000), breaker.integer("min_calls", b.minCalls(), 1, 10_000),
                    breaker.duration("open_for", b.openFor()), breaker.integer("half_open_calls", b.halfOpenCalls(), 1, 1000));
        }
        return new RoutingConfig(strategy(node, d.strategy()), node.integer("retries", d.retries(), 0, 10),
                node.duration("backoff_base", d.backoffBase()), node.duration("backoff_max", d.backoffMax()),
                node.duration("max_retry_after", d.maxRetryAfter()), timeouts(node.get("timeouts"), TimeoutsConfig.NONE), b);
    }

    private static String strategy(YamlNode node, String fallback) {
        String strategy = node.string("strategy", fallback);
        if (!STRATEGIES.contains(strategy)) {
            throw node.get("strategy").error("unknown strategy '" + strategy + "'",
                    "use one of " + String.join(", ", STRATEGIES.stream().sorted().toList()));
        }
        return strategy;
    }

    private static TimeoutsConfig timeouts(YamlNode node, TimeoutsConfig defaults) {
        if (node == null) {
            return defaults;
        }
        node.allowOnly(Set.of("ttft", "idle", "total"));
        return new TimeoutsConfig(node.duration("ttft", defaults.ttft()), node.duration("idle", defaults.idle()),
                node.duration("total", defaults.total()));
    }

    private static Map<String, ModelConfig> models(YamlNode node, YamlNode root, Map<String, ProviderConfig> providers,
                                                   RoutingConfig routing) {
        if (node == null) {
            throw root.error("no models are configured",
                    "add a models: section mapping public names to providers, e.g. models: {gpt-4o: {provider: openai}}");
        }
        Map<String, ModelConfig> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
            YamlNode m = e.getValue();
            String type = m.string("type", "deployments");
            ModelConfig model = switch (type) {
                case "deployments" -> deployed(e.getKey(), m, providers, routing);
                case "complexity" -> complexity(e.getKey(), m);
                default -> throw m.get("type").error("unknown model type '" + type + "'", "use deployments or complexity");
            };
            out.put(e.getKey(), model);
        }
        if (out.isEmpty()) {
            throw node.error("no models are configured", "add at least one model");
        }
        checkReferences(node, out);
        return out;
    }

    private static ModelConfig.Deployed deployed(String name, YamlNode m, Map<String, ProviderConfig> providers,
                                                 RoutingConfig routing) {
        m.allowOnly(Set.of("type", "provider", "model", "weight", "max_in_flight", "deployments", "strategy", "retries",
                "fallbacks", "timeouts"));
        List<ModelConfig.DeploymentConfig> deployments = new ArrayList<>();
        YamlNode list = m.get("deployments");
        if (list != null) {
            if (m.get("provider") != null) {
                throw m.error("give either provider/model or a deployments list, not both",
                        "move provider and model into the deployments list");
            }
            for (YamlNode d : list.items()) {
                deployments.add(deployment(d.allowOnly(Set.of("provider", "model", "weight", "max_in_flight")), name, providers));
            }
        } else {
            deployments.add(deployment(m, name, providers));
        }
        if (deployments.isEmpty()) {
            throw m.error("model '" + name + "' has no deployments", "add at least one deployment");
        }
        List<ModelConfig.FallbackConfig> fallbacks = new ArrayList<>();
        YamlNode fallbackList = m.get("fallbacks");
        if (fallbackList != null) {
            for (YamlNode f : fallbackList.items()) {
                f.allowOnly(Set.of("model", "on"));
                List<String> on = f.strings("on");
                for (String cls : on) {
                    if (!FALLBACK_CLASSES.contains(cls)) {
                        throw f.get("on").error("unknown error class '" + cls + "'",
                                "use any of " + String.join(", ", FALLBACK_CLASSES.stream().sorted().toList()));
                    }
                }
                fallbacks.add(new ModelConfig.FallbackConfig(f.requiredString("model", "name the public model to fall back to"),
                        on.isEmpty() ? Set.of("rate_limited", "server_error", "timeout", "connection_error",
                                "malformed_response", "no_deployment") : Set.copyOf(on)));
            }
        }
        return new ModelConfig.Deployed(name, strategy(m, routing.strategy()), deployments,
                m.integer("retries", routing.retries(), 0, 10), fallbacks, timeouts(m.get("timeouts"), routing.timeouts()));
    }

    private static ModelConfig.Complexity complexity(String name, YamlNode m) {
        m.allowOnly(Set.of("type", "easy", "hard", "threshold", "examples"));
        return new ModelConfig.Complexity(name, m.requiredString("easy", "name the public model for easy requests"),
                m.requiredString("hard", "name the public model for hard requests"), m.number("threshold", 0.5, 0, 1),
                m.string("examples", null));
    }

    /** Fallbacks and complexity targets must name models that exist and serve directly. */
    private static void checkReferences(YamlNode node, Map<String, ModelConfig> models) {
        Map<String, YamlNode> entries = node.entries();
        for (ModelConfig model : models.values()) {
            YamlNode where = entries.get(model.name());
            switch (model) {
                case ModelConfig.Deployed d -> {
                    for (ModelConfig.FallbackConfig f : d.fallbacks()) {
                        requireDeployed(models, f.model(), where.get("fallbacks"), model.name());
                    }
                }
                case ModelConfig.Complexity c -> {
                    requireDeployed(models, c.easy(), where.get("easy"), model.name());
                    requireDeployed(models, c.hard(), where.get("hard"), model.name());
                }
            }
        }
    }

    private static void requireDeployed(Map<String, ModelConfig> models, String target, YamlNode where, String from) {
        ModelConfig m = models.get(target);
        if (m == null) {
            throw where.error("model '" + target + "' is not defined", "define it under models:, or use one of "
                    + String.join(", ", models.keySet()));
        }
        if (!(m instanceof ModelConfig.Deployed) || target.equals(from)) {
            throw where.error("model '" + target + "' cannot be used here", "point at a model with deployments, other than '"
                    + from + "' itself");
        }
    }

    private static ModelConfig.DeploymentConfig deployment(YamlNode d, String modelName, Map<String, ProviderConfig> providers) {
        String provider = d.requiredString("provider", "name the provider that serves '" + modelName + "'");
        if (!providers.containsKey(provider)) {
            throw d.get("provider").error("provider '" + provider + "' is not defined",
                    "define it under providers:, or use one of " + String.join(", ", providers.keySet()));
        }
        return new ModelConfig.DeploymentConfig(provider, d.string("model", modelName), d.integer("weight", 1, 0, 1_000_000),
                d.integer("max_in_flight", 0, 0, 1_000_000));
    }
}
