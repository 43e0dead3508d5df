package dev.sluice.cache;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.Choice;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.StreamAssembler;
import dev.sluice.api.SluiceException;
import dev.sluice.api.Usage;
import dev.sluice.config.CacheConfig;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Chain;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The cache stage: answers chat requests from the cache when it can, and stores what the model
 * answered when it could not.
 *
 * <ul>
 *   <li>Only chat completions; by default only deterministic requests (temperature 0 or a seed).</li>
 *   <li>Answers are shared within a tenant scope ({@code cache.scope}: one key, one team, or all),
 *       taken from {@link Exchange#caller()}; a key without a team counts as its own team.</li>
 *   <li>Exact lookup first (hash of the normalised request), then semantic (same partition,
 *       similarity above the threshold, every false-hit guard passed).</li>
 *   <li>A hit is served without calling the rest of the pipeline: as JSON, or replayed as an SSE
 *       stream for streaming clients. A stream is stored only when it ended normally.</li>
 *   <li>Response headers {@code x-sluice-cache} ({@code hit}, {@code semantic-hit}, {@code miss},
 *       {@code bypass}) and, on hits, {@code x-sluice-cache-similarity}; the same is recorded on the
 *       exchange for the request log, with the tokens the hit saved.</li>
 * </ul>
 */
public final class CacheStage implements Stage {
    static final String SIMILARITY_HEADER = "x-sluice-cache-similarity";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CacheStage.class);

    private final ResponseCache cache;
    private final CacheConfig config;

    public CacheStage(ResponseCache cache) {
        this.cache = cache;
        this.config = cache.config();
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        if (ex.operation() != Exchange.Operation.CHAT) {
            return next.proceed(ex);
        }
        ChatRequest request = ex.chat();
        CacheConfig.Effective rule = config.forModel(request.model());
        CacheControl control;
        try {
            control = CacheControl.parse(ex.header(CacheControl.HEADER), config.maxTtl());
        } catch (SluiceException e) {
            return Reply.fail(e);
        }
        if (!rule.enabled() || control.noStore() || (config.onlyDeterministic() && !deterministic(request))) {
            record(ex, "bypass", null, null);
            cache.stats().bypass(ex.caller().team());
            return next.proceed(ex);
        }
        Caller caller = ex.caller();
        Fingerprint fp = Fingerprint.of(scope(caller), request, config.semantic().maxQuestionChars());
        boolean semantic = rule.semantic() && cache.semanticAvailable() && fp.question() != null;
        float[] vector = null;
        if (!control.refresh()) {
            ResponseCache.Hit hit = null;
            try {
                hit = cache.exact(fp.exactKey());
                if (hit == null && semantic) {
                    vector = cache.embed(fp.question());
                    if (vector != null) {
                        hit = cache.semantic(fp, vector, rule.threshold());
                    }
                }
            } catch (RuntimeException e) {
                // a broken cache must never break a request: ask the model instead
                LOG.warn("cache lookup failed for request {}, treating it as a miss", ex.requestId(), e);
            }
            if (hit != null) {
                return serve(ex, hit);
            }
        }
        record(ex, "miss", null, null);
        cache.stats().miss(caller.team());
        Reply reply = next.proceed(ex);
        Duration ttl = control.ttl() != null ? control.ttl() : rule.ttl();
        final float[] known = vector;
        Storer storer = response -> {
            if (!ex.inputPassed()) {
                return; // an input guardrail running alongside the call blocked the request: its answer is nobody's
            }
            float[] v = known;
            if (v == null && semantic) {
                v = cache.embed(fp.question());
            }
            try {
                cache.store(fp, v, response, caller.keyId(), caller.team(), request.model(), caller.user(), ttl);
            } catch (RuntimeException e) {
                LOG.warn("storing the answer of request {} in the cache failed", ex.requestId(), e);
            }
        };
        return switch (reply) {
            case Reply.Chat chat -> {
                if (complete(chat.response())) {
                    storer.store(chat.response());
                }
                yield reply;
            }
            case Reply.Stream stream -> new Reply.Stream(new RecordingStream(stream.chunks(), storer));
            default -> reply;
        };
    }

    private Reply serve(Exchange ex, ResponseCache.Hit hit) {
        ChatResponse cached = hit.answer().response();
        ChatResponse response = new ChatResponse(newId(), cache.nowMillis() / 1000, cached.model(), cached.choices(),
                cached.usage(), cached.systemFingerprint(), cached.extra());
        Usage saved = cached.usage() == null ? Usage.of(0, 0) : cached.usage();
        String status = hit.exact() ? "hit" : "semantic-hit";
        record(ex, status, hit.similarity(), saved);
        ex.usage(Usage.of(0, 0));
        ex.route(null, cached.model());
        cache.stats().hit(ex.caller().team(), hit.exact(), saved.promptTokens(), saved.completionTokens());
        return ex.streaming() ? new Reply.Stream(Replay.stream(response)) : new Reply.Chat(response);
    }

    private static void record(Exchange ex, String status, Double similarity, Usage saved) {
        ex.cache(status, similarity, saved);
        ex.responseHeader(CacheControl.HEADER, status);
        if (similarity != null) {
            ex.responseHeader(SIMILARITY_HEADER, String.format(Locale.ROOT, "%.4f", similarity));
        }
    }

    /** Whose answers a caller may reuse. A key without a team is a team of one. */
    String scope(Caller caller) {
        String key = caller.keyId() == null ? "anonymous" : "key:" + caller.keyId();
        return switch (config.scope()) {
            case KEY -> key;
            case TEAM -> caller.team() == null ? key : "team:" + caller.team();
            case GLOBAL -> "global";
        };
    }

    private static boolean deterministic(ChatRequest r) {
        return r.seed() != null || (r.temperature() != null && r.temperature() == 0.0);
    }

    /** Only whole answers are cached: every choice finished. */
    private static boolean complete(ChatResponse r) {
        if (r.choices().isEmpty()) {
            return false;
        }
        for (Choice c : r.choices()) {
            if (c.finishReason() == null) {
                return false;
            }
        }
        return true;
    }

    private static String newId() {
        byte[] bytes = new byte[12];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "chatcmpl-" + HexFormat.of().formatHex(bytes);
    }

    @FunctionalInterface
    private interface Storer {
        void store(ChatResponse response);
    }

    /**
     * Passes a stream through chunk by chunk and stores the assembled answer when, and only when,
     * the stream ends normally (before the client sees its end). A failure or an early close
     * (client gone) stores nothing.
     */
    private static final class RecordingStream implements ChunkStream {
        private final ChunkStream delegate;
        private final Storer storer;
        private final StreamAssembler assembler = new StreamAssembler();
        private boolean failed;
        private boolean done;

        RecordingStream(ChunkStream delegate, Storer storer) {
            this.delegate = delegate;
            this.storer = storer;
        }

        @Override
        public ChatChunk next() {
            ChatChunk chunk;
            try {
                chunk = delegate.next();
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
            if (chunk != null) {
                assembler.add(chunk);
            } else if (!failed && !done) {
                done = true;
                ChatResponse whole = assembler.response();
                if (whole != null) {
                    storer.store(whole);
                }
            }
            return chunk;
        }

        @Override
        public byte[] wire() {
            return delegate.wire();
        }

        @Override
        public int wireLength() {
            return delegate.wireLength();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
