package dev.sluice.pipeline;

import dev.sluice.api.ChatRequest;
import dev.sluice.api.EmbeddingRequest;
import dev.sluice.api.Usage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one mutable object of a request: the parsed canonical request, the caller, the route, the
 * attempts, usage and timings. Stages read and write it; nothing else is passed around. It is used
 * by one thread at a time (the request's virtual thread), so it needs no locking.
 */
public final class Exchange {
    private volatile java.util.function.BooleanSupplier clientGone = () -> false;
    /** Set from another thread (an input scan running alongside the upstream call): see {@link #abandon()}. */
    private volatile boolean abandoned;
    /** Null unless an input scan runs alongside the upstream call: see {@link #inputPassed()}. */
    private volatile java.util.function.BooleanSupplier inputVerdict;
    public enum Operation { CHAT, EMBEDDINGS }

    /** The USD cost of an upstream model's usage (0 for unknown models or no usage). */
    @FunctionalInterface
    public interface Pricing {
        double cost(String upstreamModel, Usage usage);
    }

    /** Told once when the response has been fully written (or abandoned). */
    @FunctionalInterface
    public interface CompletionListener {
        void completed(Exchange exchange);
    }

    private final String requestId;
    /** The gateway's own id of this request (128 random bits, hex): the key of what is stored about it. */
    private final String uid = newUid();
    private final Operation operation;
    private final Map<String, String> headers;
    private final long startNanos;
    private final long startEpochMillis;

    private ChatRequest chat;
    /** What {@link #forwardableBody} answers from. */
    private ChatRequest clientRequest;
    private byte[] clientBody;
    private EmbeddingRequest embeddings;
    private Caller caller = Caller.ANONYMOUS;
    private String provider;
    private String upstreamModel;
    private String fallbackModel;
    private String routeReason;
    private String traceId;
    private String sessionId;
    private Map<String, String> tags = Map.of();
    private String responseId;
    private final List<String> finishReasons = new ArrayList<>(1);
    private final List<Attempt> attempts = new ArrayList<>(2);
    private Usage usage;
    private Double costUsd;
    private String responseModel;
    private String systemFingerprint;
    private List<Discarded> discarded = List.of();
    private boolean settled;
    private long firstTokenNanos;
    private long endNanos;
    private int status;
    private String errorType;
    private String cacheStatus;
    private Double cacheSimilarity;
    private Usage cacheSavedUsage;
    private final Map<String, String> responseHeaders = new LinkedHashMap<>();
    private final List<CompletionListener> listeners = new ArrayList<>(2);
    private List<GuardEvent> guardEvents = List.of();
    private PromptUse prompt;
    private String guardrailPolicy;
    private java.util.function.Function<dev.sluice.api.ChatResponse, String> outputBlockProbe;
    private Pricing pricing;
    private boolean completed;

    /** @param headers request headers with lower-case names */
    public Exchange(String requestId, Operation operation, Map<String, String> headers) {
        this(requestId, operation, headers, System.nanoTime());
    }

    /**
     * @param receivedNanos when the request was received ({@link System#nanoTime()}, not after now): the start of
     *                      its latency and time to first token, and (on the wall clock) its log row's time
     */
    public Exchange(String requestId, Operation operation, Map<String, String> headers, long receivedNanos) {
        this.requestId = requestId;
        this.operation = operation;
        this.headers = headers;
        long now = System.nanoTime();
        this.startNanos = receivedNanos - now > 0 ? now : receivedNanos;
        this.startEpochMillis = System.currentTimeMillis() - (now - startNanos) / 1_000_000;
    }

    public String requestId() {
        return requestId;
    }

    /**
     * The gateway's own id of this request, never chosen by the client: the request log's {@code uid}
     * and the key of its captured body. {@link #requestId()} may be the client's {@code x-request-id},
     * which any team can send, so it is never the key of anything stored.
     */
    public String uid() {
        return uid;
    }

    /** 32 hex digits led by the time, so the request log's uid index grows at one end (see TimeLedIds). */
    private static String newUid() {
        return dev.sluice.store.TimeLedIds.hex128(System.currentTimeMillis());
    }

    public Operation operation() {
        return operation;
    }

    /** A request header by lower-case name, or null. */
    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    public Map<String, String> headers() {
        return Collections.unmodifiableMap(headers);
    }

    /** The public model name the client asked for. */
    public String requestedModel() {
        if (operation == Operation.CHAT) {
            return chat == null ? null : chat.model();
        }
        return embeddings == null ? null : embeddings.model();
    }

    /** Whether the client asked for a stream (false while the request is not yet parsed). */
    public boolean streaming() {
        return operation == Operation.CHAT && chat != null && chat.stream();
    }

    public ChatRequest chat() {
        return chat;
    }

    public void chat(ChatRequest request) {
        this.chat = request;
    }

    /**
     * The client's request and its body as it came, when the body may be forwarded as it is
     * ({@link dev.sluice.api.ChatRequestCodec.Read#forwardable}).
     */
    public void chat(ChatRequest request, byte[] forwardableBody) {
        this.chat = request;
        this.clientRequest = request;
        this.clientBody = forwardableBody;
    }

    /**
     * The client's request body as it came, while the request is still the one read from it (no stage replaced
     * it: a rendered prompt, a guardrail's rewrite, a fallback's model each make a new request); else null.
     */
    public byte[] forwardableBody() {
        return chat != null && chat == clientRequest ? clientBody : null;
    }

    public EmbeddingRequest embeddings() {
        return embeddings;
    }

    public void embeddings(EmbeddingRequest request) {
        this.embeddings = request;
    }

    public Caller caller() {
        return caller;
    }

    public void caller(Caller newCaller) {
        this.caller = newCaller;
    }

    public String provider() {
        return provider;
    }

    public String upstreamModel() {
        return upstreamModel;
    }

    /** Records which deployment is serving the request (the last one tried, after fallbacks). */
    public void route(String providerName, String model) {
        this.provider = providerName;
        this.upstreamModel = model;
    }

    /** The W3C trace id of this request's trace (the client's, when it sent a traceparent), or null. */
    public String traceId() {
        return traceId;
    }

    public void traceId(String id) {
        this.traceId = id;
    }

    /** The session this request belongs to ({@code x-sluice-session}), or null. */
    public String sessionId() {
        return sessionId;
    }

    public void sessionId(String id) {
        this.sessionId = id;
    }

    /** Tags for analytics: {@code x-sluice-tags} (k=v,k2=v2) and the request's metadata. */
    public Map<String, String> tags() {
        return tags;
    }

    public void tags(Map<String, String> newTags) {
        this.tags = Map.copyOf(newTags);
    }

    /** The upstream's response id (e.g. chatcmpl-…), once known. */
    public String responseId() {
        return responseId;
    }

    public void responseId(String id) {
        if (id != null && !id.isEmpty()) {
            this.responseId = id;
        }
    }

    /** Finish reasons of the answer's choices, in order, as they arrived. */
    public List<String> finishReasons() {
        return finishReasons;
    }

    public void addFinishReason(String reason) {
        if (reason != null) {
            finishReasons.add(reason);
        }
    }

    /** The public model that served the request when it was a fallback, else null. */
    public String fallbackModel() {
        return fallbackModel;
    }

    public void fallbackModel(String model) {
        this.fallbackModel = model;
    }

    /** Why a routing decision was made (e.g. the complexity router's verdict), or null. */
    public String routeReason() {
        return routeReason;
    }

    public void routeReason(String reason) {
        this.routeReason = reason;
    }

    public List<Attempt> attempts() {
        return attempts;
    }

    public void addAttempt(Attempt attempt) {
        attempts.add(attempt);
    }

    public Usage usage() {
        return usage;
    }

    public void usage(Usage newUsage) {
        this.usage = newUsage;
    }

    /** An answer the upstream produced (and billed) that the client did not get, e.g. one a quality fallback replaced. */
    private record Discarded(String upstreamModel, Usage usage) {}

    /** Adds the usage of an answer that was thrown away to what this request costs. */
    public void addDiscardedUsage(String upstreamModel, Usage discardedUsage) {
        if (discardedUsage == null) {
            return;
        }
        if (discarded.isEmpty()) {
            discarded = new ArrayList<>(1);
        }
        discarded.add(new Discarded(upstreamModel, discardedUsage));
    }

    /**
     * The model name the upstream says answered ({@code model} of the response, {@code gen_ai.response.model})
     * and its {@code system_fingerprint} when it sent one; null until an answer arrived.
     */
    public String responseModel() {
        return responseModel;
    }

    public String systemFingerprint() {
        return systemFingerprint;
    }

    public void responseModel(String model, String fingerprint) {
        if (model != null && !model.isEmpty()) {
            this.responseModel = model;
        }
        if (fingerprint != null && !fingerprint.isEmpty()) {
            this.systemFingerprint = fingerprint;
        }
    }

    /**
     * What the request cost in USD, settled once by the pipeline that ran it (from its usage and the
     * price catalog) before any completion listener runs; null when no pipeline ran it (refused
     * before: no key, unreadable body).
     */
    public Double costUsd() {
        return costUsd;
    }

    /**
     * Settles the cost now, for a whole answer whose usage is final before it is written, so the
     * reply can carry it ({@code x-sluice-cost}); completion then keeps this cost rather than
     * settling again. Returns the cost, or null when no pipeline ran the exchange.
     */
    public Double settleBeforeWriting() {
        settle();
        return costUsd;
    }

    /** Called by the {@link Pipeline} that runs this exchange: how its usage is priced at completion. */
    void pricing(Pricing newPricing) {
        this.pricing = newPricing;
    }

    public long startNanos() {
        return startNanos;
    }

    public long startEpochMillis() {
        return startEpochMillis;
    }

    /** Marks the moment the first token reached the client; later calls are ignored. */
    public void markFirstToken() {
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
        }
    }

    /** Milliseconds from receipt to the first token, or -1 when none was sent. */
    public long ttftMillis() {
        return firstTokenNanos == 0 ? -1 : (firstTokenNanos - startNanos) / 1_000_000;
    }

    public long latencyMillis() {
        return ((endNanos == 0 ? System.nanoTime() : endNanos) - startNanos) / 1_000_000;
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    /**
     * What the response cache did: {@code hit}, {@code semantic-hit}, {@code miss} or {@code bypass}
     * (null when no cache is configured or the request is not cacheable at all).
     *
     * @param similarity the cosine similarity of the cached question on a hit (1 for an exact hit), else null
     * @param saved      the usage the cached answer cost when it was first produced (hits only), else null
     */
    public void cache(String status, Double similarity, Usage saved) {
        this.cacheStatus = status;
        this.cacheSimilarity = similarity;
        this.cacheSavedUsage = saved;
    }

    public String cacheStatus() {
        return cacheStatus;
    }

    public Double cacheSimilarity() {
        return cacheSimilarity;
    }

    /** Tokens a cache hit saved (prompt and completion kept apart, as prices differ); null otherwise. */
    public Usage cacheSavedUsage() {
        return cacheSavedUsage;
    }

    /** A header every response to this request carries (set by stages, written by the server). */
    /** Whether the client has closed its connection (set by the server from its transport). */
    public boolean clientGone() {
        return clientGone.getAsBoolean();
    }

    /** How the server tells this exchange whether its client is still connected. */
    public void clientGone(java.util.function.BooleanSupplier supplier) {
        this.clientGone = supplier;
    }

    /**
     * Marks the answer as not wanted: an input guardrail running alongside the upstream call blocked the request.
     * Safe from any thread. The router then makes no further attempt or fallback and does not count an attempt it
     * cuts short against the deployment.
     */
    public void abandon() {
        this.abandoned = true;
    }

    /** Whether the answer will be thrown away (see {@link #abandon()}). */
    public boolean abandoned() {
        return abandoned;
    }

    /**
     * How {@link #inputPassed()} learns the verdict of an input scan running alongside the upstream call (it may
     * wait for the scan): set by the input guardrails before the rest of the pipeline runs.
     */
    public void inputVerdict(java.util.function.BooleanSupplier verdict) {
        this.inputVerdict = verdict;
    }

    /**
     * Whether the input guardrails let this request through. True at once when its input was scanned before the
     * upstream call (a blocked request never gets this far); when the scan runs alongside the call, waits for its
     * verdict. What keeps an answer for later (the response cache) asks this first: an answer to a blocked request
     * must not be served to anyone.
     */
    public boolean inputPassed() {
        java.util.function.BooleanSupplier verdict = inputVerdict;
        return !abandoned && (verdict == null || verdict.getAsBoolean());
    }

    public void responseHeader(String name, String value) {
        responseHeaders.put(name, value);
    }

    public Map<String, String> responseHeaders() {
        return responseHeaders;
    }

    /** The guardrail triggers of this request, in the order they fired (empty when none). */
    public List<GuardEvent> guardEvents() {
        return Collections.unmodifiableList(guardEvents);
    }

    public void addGuardEvent(GuardEvent event) {
        if (guardEvents.isEmpty()) {
            guardEvents = new ArrayList<>(2);
        }
        guardEvents.add(event);
    }

    /** The stored prompt this request was rendered from, or null. */
    public PromptUse prompt() {
        return prompt;
    }

    public void prompt(PromptUse use) {
        this.prompt = use;
    }

    /**
     * The guardrail policy this request asks for by name (a prompt version's {@code guardrail_policy}),
     * or null to resolve it from the caller and the model.
     */
    public String guardrailPolicy() {
        return guardrailPolicy;
    }

    public void guardrailPolicy(String name) {
        this.guardrailPolicy = name;
    }

    /**
     * Set by the output guardrail stage before the rest of the pipeline runs: the name of the rule
     * that would block a whole answer, or null when it would pass. The router asks it for the
     * {@code guardrail_block} quality fallback; null when no output policy applies.
     */
    public java.util.function.Function<dev.sluice.api.ChatResponse, String> outputBlockProbe() {
        return outputBlockProbe;
    }

    public void outputBlockProbe(java.util.function.Function<dev.sluice.api.ChatResponse, String> probe) {
        this.outputBlockProbe = probe;
    }

    /** Registers work to run once the response is complete; listeners run in reverse order. */
    public void onComplete(CompletionListener listener) {
        listeners.add(listener);
    }

    /**
     * Called by the server exactly once, after the last byte was written or the client went away.
     * The cost is settled first, then the listeners run; listener failures are contained so one
     * broken listener cannot hide the others.
     */
    public void complete(int finalStatus, String finalErrorType) {
        if (completed) {
            return;
        }
        completed = true;
        this.status = finalStatus;
        this.errorType = finalErrorType;
        this.endNanos = System.nanoTime();
        settle();
        for (int i = listeners.size() - 1; i >= 0; i--) {
            try {
                listeners.get(i).completed(this);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Exchange.class)
                        .warn("completion listener failed for request {}", requestId, e);
            }
        }
    }

    /** Usage is in (the last chunk has arrived): the cost follows from it, once, for every listener to read. */
    private void settle() {
        if (pricing == null || settled) {
            return;
        }
        settled = true;
        try {
            double cost = pricing.cost(upstreamModel, usage);
            for (Discarded d : discarded) {
                cost += pricing.cost(d.upstreamModel(), d.usage());
            }
            costUsd = cost;
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Exchange.class).warn("pricing failed for request {}", requestId, e);
        }
    }

    public boolean isCompleted() {
        return completed;
    }
}
