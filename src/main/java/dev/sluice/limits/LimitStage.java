package dev.sluice.limits;

import dev.sluice.api.SluiceException;
import dev.sluice.api.TokenCounter;
import dev.sluice.api.Usage;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.Quota;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Chain;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;
import dev.sluice.pricing.Price;
import dev.sluice.pricing.PriceCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Rate limits and budgets, per key, team, end user and model: requests and tokens per minute,
 * requests in flight, and USD per day and month. Before the call the request takes its buckets
 * (tokens and cost are estimated: prompt tokens counted with jtokkit, output from max_tokens);
 * after it, the estimates are corrected with the real usage and the cost the pipeline settled. Over a limit: 429 with
 * {@code retry-after}. Every admitted response carries OpenAI-style {@code x-ratelimit-*} headers.
 */
public final class LimitStage implements Stage {
    private final Limiter limiter;
    private final LimitsConfig config;
    private final PriceCatalog prices;
    private final Map<String, String> priceModelOf;
    private final BudgetAlerts alerts;
    private final Clock clock;

    /** @param priceModelOf public model → the upstream model whose price estimates its cost */
    public LimitStage(Limiter limiter, LimitsConfig config, PriceCatalog prices, Map<String, String> priceModelOf,
                      BudgetAlerts alerts, Clock clock) {
        this.limiter = limiter;
        this.config = config;
        this.prices = prices;
        this.priceModelOf = Map.copyOf(priceModelOf);
        this.alerts = alerts;
        this.clock = clock;
    }

    /** The budget alerts this stage raises (a later generation with the same thresholds keeps them). */
    public BudgetAlerts budgetAlerts() {
        return alerts;
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        long now = clock.millis();
        List<Bucket> buckets = buckets(ex, now);
        if (buckets.isEmpty()) {
            return next.proceed(ex);
        }
        // counting the prompt's tokens costs microseconds per kilobyte (and loads the tokenizer):
        // only token-per-minute and budget buckets need the estimate
        int estimatedTokens = 0;
        double estimatedCost = 0;
        if (needsEstimate(buckets)) {
            estimatedTokens = estimateTokens(ex);
            Price price = prices.find(priceModelOf.getOrDefault(ex.requestedModel(), ex.requestedModel()));
            estimatedCost = price == null ? 0 : price.estimate(estimatedTokens - estimatedOutput(ex), estimatedOutput(ex));
            buckets = withEstimates(buckets, estimatedTokens, estimatedCost);
        }
        Decision decision;
        try {
            decision = limiter.acquire(buckets, ex.requestId());
        } catch (FailoverLimiter.Unavailable e) {
            return Reply.fail(new SluiceException(429, "rate_limit_error", "limits_unavailable", null,
                    "Rate limits cannot be checked right now (the shared store is unreachable); retry in a moment.",
                    Duration.ofSeconds(1), null));
        }
        if (!decision.admitted()) {
            if (decision.refused().kind().budget()) {
                alerts.refused(decision.refused(), decision.decidedBy().spent(decision.refused()), now);
            }
            return Reply.fail(refusal(decision, now));
        }
        RateHeaders.write(ex, decision.states());
        Limiter settleWith = decision.decidedBy();
        List<Bucket> held = buckets;
        int tokens = estimatedTokens;
        double cost = estimatedCost;
        ex.onComplete(done -> settle(done, settleWith, held, tokens, cost));
        return next.proceed(ex);
    }

    /**
     * Adds the cost of a request that did not pass through this stage — a shadow copy of one of the caller's
     * requests — to the caller's budgets (key, team, user, model), never refusing it: the copy was already
     * admitted by its shadow's own budget and rate. Budget alerts fire as for any spend.
     */
    public void charge(Exchange ex) {
        double cost = ex.costUsd() == null ? 0 : ex.costUsd();
        if (cost <= 0) {
            return;
        }
        long now = clock.millis();
        List<Bucket> budgets = buckets(ex, now).stream().filter(b -> b.kind().budget()).toList();
        if (budgets.isEmpty()) {
            return;
        }
        limiter.settle(budgets, ex.requestId(), 0, cost);
        for (Bucket b : budgets) {
            alerts.check(b, limiter.spent(b), now);
        }
    }

    private void settle(Exchange ex, Limiter by, List<Bucket> buckets, int estimatedTokens, double estimatedCost) {
        Usage usage = ex.usage();
        // settled by the pipeline before any completion listener runs
        double cost = ex.costUsd() == null ? 0 : ex.costUsd();
        // a request that never reached an upstream used nothing: give the estimates back
        int actualTokens = usage == null ? 0 : usage.promptTokens() + usage.completionTokens();
        by.settle(buckets, ex.requestId(), actualTokens - estimatedTokens, cost - estimatedCost);
        for (Bucket b : buckets) {
            if (b.kind().budget()) {
                alerts.check(b, by.spent(b), clock.millis());
            }
        }
    }

    private static boolean needsEstimate(List<Bucket> buckets) {
        for (Bucket b : buckets) {
            if (b.kind() == Bucket.Kind.TOKENS_PER_MINUTE || b.kind().budget()) {
                return true;
            }
        }
        return false;
    }

    /** The same buckets taking the estimates (their ids are kept, not built again). */
    private static List<Bucket> withEstimates(List<Bucket> buckets, int tokens, double cost) {
        List<Bucket> out = new ArrayList<>(buckets.size());
        for (Bucket b : buckets) {
            double amount = b.kind() == Bucket.Kind.TOKENS_PER_MINUTE ? tokens : b.kind().budget() ? cost : b.amount();
            out.add(amount == b.amount() ? b
                    : new Bucket(b.id(), b.kind(), b.scope(), b.subject(), b.limit(), amount, b.ttlMillis()));
        }
        return out;
    }

    /**
     * The buckets a request draws on, each taking one request (token and cost amounts: {@link #withEstimates}).
     * Read-only: one scope's list is shared by its requests.
     */
    private List<Bucket> buckets(Exchange ex, long now) {
        Caller c = ex.caller();
        List<Bucket> key = c.keyId() == null ? List.of() : made(KEY, "key", c.keyId(), c.keyQuota().orElse(config.key()), now);
        List<Bucket> team = c.team() == null ? List.of() : made(TEAM, "team", c.team(), c.teamQuota().orElse(config.team()), now);
        List<Bucket> user = c.user() == null ? List.of() : made(USER, "user", c.user(), config.user(), now);
        Quota model = config.models().get(ex.requestedModel());
        List<Bucket> byModel = model == null ? List.of() : made(MODEL, "model", ex.requestedModel(), model, now);
        if (team.isEmpty() && user.isEmpty() && byModel.isEmpty()) {
            return key; // the usual case: a key's buckets alone
        }
        List<Bucket> out = new ArrayList<>(key.size() + team.size() + user.size() + byModel.size());
        out.addAll(key);
        out.addAll(team);
        out.addAll(user);
        out.addAll(byModel);
        return out;
    }

    /** One scope's subject's buckets under a quota for one UTC day (budget ids name the day and the month). */
    private record Made(Quota quota, long epochDay, List<Bucket> buckets) {}

    /** At most this many subjects per scope are remembered (user ids come from requests); past it, all are forgotten. */
    private static final int MAX_MADE = 10_000;
    private static final int KEY = 0, TEAM = 1, USER = 2, MODEL = 3;
    @SuppressWarnings("unchecked")
    private final Map<String, Made>[] made = new Map[] {new ConcurrentHashMap<String, Made>(),
        new ConcurrentHashMap<String, Made>(), new ConcurrentHashMap<String, Made>(), new ConcurrentHashMap<String, Made>()};

    /**
     * {@link #add}'s buckets, made once per subject, quota and day rather than per request (their ids were
     * concatenated and the records made for every request).
     */
    private List<Bucket> made(int scopeIndex, String scope, String id, Quota q, long now) {
        long day = Math.floorDiv(now, 86_400_000L);
        Map<String, Made> byId = made[scopeIndex];
        Made m = byId.get(id);
        if (m == null || m.epochDay() != day || !m.quota().equals(q)) {
            List<Bucket> list = new ArrayList<>(5);
            add(list, scope, id, q, now);
            m = new Made(q, day, List.copyOf(list));
            if (byId.size() >= MAX_MADE) {
                byId.clear();
            }
            byId.put(id, m);
        }
        return m.buckets();
    }

    private static void add(List<Bucket> out, String scope, String id, Quota q, long now) {
        String base = scope + ":" + id + ":";
        if (q.rpm() != null) {
            out.add(new Bucket(base + "rpm", Bucket.Kind.REQUESTS_PER_MINUTE, scope, id, q.rpm(), 1, 0));
        }
        if (q.tpm() != null) {
            out.add(new Bucket(base + "tpm", Bucket.Kind.TOKENS_PER_MINUTE, scope, id, q.tpm(), 0, 0));
        }
        if (q.concurrency() != null) {
            out.add(new Bucket(base + "conc", Bucket.Kind.CONCURRENCY, scope, id, q.concurrency(), 1, 0));
        }
        if (q.dailyUsd() != null) {
            out.add(budget(scope, id, Bucket.Kind.DAILY_USD, q.dailyUsd(), now));
        }
        if (q.monthlyUsd() != null) {
            out.add(budget(scope, id, Bucket.Kind.MONTHLY_USD, q.monthlyUsd(), now));
        }
    }

    /**
     * The buckets a request of this scope ("key", "team", "user", "model") and subject draws on under
     * {@code q}, each taking nothing: what {@link Headroom} looks at.
     */
    public static List<Bucket> buckets(String scope, String id, Quota q, long now) {
        List<Bucket> out = new ArrayList<>(5);
        add(out, scope, id, q, now);
        return out;
    }

    /** The budget bucket of a scope ("key", "team", "user") and subject for the period containing {@code now}, taking nothing. */
    static Bucket budget(String scope, String id, Bucket.Kind kind, double limit, long now) {
        return new Bucket(scope + ":" + id + ":usd:" + Periods.key(kind, now), kind, scope, id, limit, 0,
                Periods.ttl(kind));
    }

    /** Prompt tokens counted with jtokkit plus the output the request may produce. */
    private int estimateTokens(Exchange ex) {
        if (ex.operation() == Exchange.Operation.EMBEDDINGS) {
            int total = 0;
            for (String text : ex.embeddings().texts()) {
                total += TokenCounter.count(text);
            }
            return total;
        }
        return TokenCounter.countPrompt(ex.chat()) + estimatedOutput(ex);
    }

    private int estimatedOutput(Exchange ex) {
        if (ex.operation() != Exchange.Operation.CHAT) {
            return 0;
        }
        Integer max = ex.chat().maxOutputTokens();
        int perChoice = max != null ? max : config.estimatedOutputTokens();
        return perChoice * (ex.chat().n() == null ? 1 : ex.chat().n());
    }

    private static SluiceException refusal(Decision d, long now) {
        Bucket b = d.refused();
        String who = b.scope() + " " + b.subject();
        if (b.kind().budget()) {
            String period = b.kind() == Bucket.Kind.DAILY_USD ? "daily" : "monthly";
            return new SluiceException(429, "budget_exceeded", "budget_exceeded", null, String.format(Locale.ROOT,
                    "The %s budget of $%.2f for %s is spent. It resets at %s; ask your Sluice admin to raise it.",
                    period, b.limit(), who, Instant.ofEpochMilli(now + d.retryAfterMillis())),
                    Duration.ofMillis(d.retryAfterMillis()), null);
        }
        if (d.retryAfterMillis() < 0) {
            return new SluiceException(429, "rate_limit_error", "request_too_large_for_limit", null, String.format(Locale.ROOT,
                    "This request needs about %.0f tokens, more than the limit of %.0f tokens per minute for %s."
                            + " Send a smaller request (or a lower max_tokens), or ask for a higher limit.",
                    b.amount(), b.limit(), who));
        }
        String what = b.kind() == Bucket.Kind.CONCURRENCY
                ? String.format(Locale.ROOT, "%.0f %s", b.limit(), b.kind().label())
                : String.format(Locale.ROOT, "%.0f %s per minute", b.limit(), b.kind().label());
        return new SluiceException(429, "rate_limit_error", "rate_limit_exceeded", null, String.format(Locale.ROOT,
                "Rate limit reached for %s: %s. Try again in %s.", who, what, RateHeaders.duration(d.retryAfterMillis())),
                Duration.ofMillis(Math.max(1, d.retryAfterMillis())), null);
    }
}
