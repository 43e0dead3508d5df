package dev.sluice.route;

import dev.sluice.pricing.Price;
import dev.sluice.provider.Provider;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One way to serve a public model, with the live state routing needs: requests in flight, a
 * moving average of latency, and a circuit breaker. Shared by every request; all state is
 * thread-safe.
 */
public final class Deployment {
    /** Weight of the newest sample in the latency moving average. */
    private static final double ALPHA = 0.2;

    private final Provider provider;
    private final String upstreamModel;
    private final int weight;
    private final int maxInFlight;
    private final Duration readTimeout;
    private final HeaderForwarder forwarder;
    private final Price price;
    private final CircuitBreaker breaker;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** An attempt's span name, {@code {operation} {model}}, for chat and for embeddings: made once, not per attempt. */
    private final String chatSpanName;
    private final String embeddingsSpanName;
    private volatile double latencyMillis = Double.NaN;

    /**
     * @param maxInFlight 0 = no limit
     * @param price       null when the catalog has no price (treated as free by lowest_cost)
     * @param breaker     null when breakers are off
     */
    public Deployment(Provider provider, String upstreamModel, int weight, int maxInFlight, Duration readTimeout,
                      HeaderForwarder forwarder, Price price, CircuitBreaker breaker) {
        this.provider = provider;
        this.upstreamModel = upstreamModel;
        this.weight = weight;
        this.maxInFlight = maxInFlight;
        this.readTimeout = readTimeout;
        this.forwarder = forwarder;
        this.price = price;
        this.breaker = breaker;
        this.chatSpanName = "chat " + upstreamModel;
        this.embeddingsSpanName = "embeddings " + upstreamModel;
    }

    /** The span name of an attempt on this deployment: {@code chat gpt-4o-mini}, {@code embeddings text-embedding-3-small}. */
    String spanName(boolean chat) {
        return chat ? chatSpanName : embeddingsSpanName;
    }

    public Provider provider() {
        return provider;
    }

    public String upstreamModel() {
        return upstreamModel;
    }

    /** "provider/model", for logs and headers. */
    public String id() {
        return provider.name() + "/" + upstreamModel;
    }

    int weight() {
        return weight;
    }

    Duration readTimeout() {
        return readTimeout;
    }

    HeaderForwarder forwarder() {
        return forwarder;
    }

    Price price() {
        return price;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    int inFlight() {
        return inFlight.get();
    }

    /** The moving average of attempt latency (TTFT for streams), NaN before the first sample. */
    double latencyMillis() {
        return latencyMillis;
    }

    /** Whether this deployment is at its concurrency limit. */
    boolean full() {
        return maxInFlight > 0 && inFlight.get() >= maxInFlight;
    }

    void enter() {
        inFlight.incrementAndGet();
    }

    void exit() {
        inFlight.decrementAndGet();
    }

    void recordLatency(long millis) {
        double old = latencyMillis;
        // racy read-modify-write is fine: a lost sample only slows the average's convergence
        latencyMillis = Double.isNaN(old) ? millis : old + ALPHA * (millis - old);
    }
}
