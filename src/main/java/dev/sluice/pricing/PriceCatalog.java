package dev.sluice.pricing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.api.Usage;
import dev.sluice.logging.LogSafe;
import dev.sluice.logging.Throttle;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Prices by upstream model name: the catalog shipped in the jar ({@code prices.yaml}), overridden
 * by the config's {@code prices:} section. A name matches exactly, else by its longest catalog
 * prefix, so dated model versions find their family's price.
 */
public final class PriceCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(PriceCatalog.class);
    private static final String RESOURCE = "/dev/sluice/pricing/prices.yaml";
    /**
     * Model names can come from requests and answers: a flood of new names logs ten lines a minute. Per catalog
     * (one per config generation, see callers), so one catalog's unknown models never silence another's warning.
     */
    private final Throttle unpricedLog = new Throttle(10);

    private final Map<String, Price> prices;
    private final List<String> byLengthDesc;
    /** Marks "looked up, not in the catalog" in the resolution cache. */
    private static final Price UNKNOWN = new Price(-1, -1, -1);
    /**
     * Model name → resolved price. Bounded: model names come from requests and upstream answers,
     * so unknown names must not accumulate (issue 14: a map per unique name held 935 MB).
     */
    private final Cache<String, Price> resolved = Caffeine.newBuilder().maximumSize(MAX_RESOLVED)
            .expireAfterAccess(Duration.ofHours(1)).executor(Runnable::run).build(); // maintenance inline: no common-pool wake-up
    static final int MAX_RESOLVED = 4_096;

    public PriceCatalog(Map<String, Price> prices) {
        this.prices = Map.copyOf(prices);
        // longest first; a plain lambda, not Comparator.comparingInt(..).reversed(): the JDK's combinators are
        // serializable lambdas the AOT cache does not hold, spun at run time on the start path
        this.byLengthDesc = prices.keySet().stream().sorted((a, b) -> Integer.compare(b.length(), a.length())).toList();
    }

    /** The shipped catalog with {@code overrides} on top. */
    public static PriceCatalog withOverrides(Map<String, Price> overrides) {
        Map<String, Price> all = new LinkedHashMap<>(shipped());
        all.putAll(overrides);
        return new PriceCatalog(all);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Price> shipped() {
        try (InputStream in = PriceCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the price catalog is missing from the jar: " + RESOURCE);
            }
            Map<String, Map<String, Object>> raw = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            Map<String, Price> out = new LinkedHashMap<>();
            raw.forEach((model, p) -> out.put(model, new Price(num(p.get("input")), num(p.get("output")),
                    p.containsKey("cached_input") ? num(p.get("cached_input")) : num(p.get("input")))));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double num(Object o) {
        return o == null ? 0 : ((Number) o).doubleValue();
    }

    /** The price of an upstream model, or null when the catalog does not know it. */
    public Price find(String model) {
        if (model == null) {
            return null;
        }
        Price p = model.length() > 256 ? lookup(model) : resolved.get(model, this::lookup);
        return p == UNKNOWN ? null : p;
    }

    private Price lookup(String model) {
        Price p = prices.get(model);
        if (p == null) {
            for (String name : byLengthDesc) {
                if (model.startsWith(name)) {
                    p = prices.get(name);
                    break;
                }
            }
        }
        if (p == null) {
            long admitted = unpricedLog.admit();
            if (admitted >= 0) {
                LOG.warn("no price for model {}: its calls cost 0 (budgets do not see them); add it under prices: in the config{}",
                        LogSafe.quote(model), Throttle.note(admitted));
            }
        }
        return p == null ? UNKNOWN : p;
    }

    /** The USD cost of a call's usage; 0 for unknown models or no usage. */
    public double cost(String model, Usage usage) {
        if (usage == null) {
            return 0;
        }
        Price p = find(model);
        return p == null ? 0 : p.cost(usage.promptTokens(), usage.completionTokens(), usage.cachedTokens());
    }

    /** How many names the resolution cache holds (after pending evictions). */
    long cachedNames() {
        resolved.cleanUp();
        return resolved.estimatedSize();
    }
}
