package dev.sluice.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.SluiceException;
import dev.sluice.pipeline.Caller;
import dev.sluice.store.BatchWriter;
import dev.sluice.store.FeedbackReader;
import dev.sluice.store.FeedbackReader.Rated;
import dev.sluice.store.FeedbackRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * User feedback on answered requests ({@code POST /v1/feedback}): thumbs up/down, a number, a
 * boolean or a category, with a name, comment and user. Linked to the request and its trace,
 * stored through a batch writer, counted in metrics and seen by the alert rules.
 */
public final class Feedback {
    static final Set<String> FIELDS = Set.of("request_id", "trace_id", "name", "value", "comment", "user");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    /**
     * When to look in the store for a request not in the recent index (ms after the first ask): a
     * request answered by this node is in the index before its client can rate it, so the wait is
     * for one answered by another node, whose writer stores it within its batch interval.
     */
    private static final long[] STORE_POLLS_MS = {0, 100, 300, 600, 1000};
    /** Lookups of ids not in the recent index one key may have waiting at once (more: 429). */
    static final int MAX_WAITING_PER_KEY = 8;
    private static final int MAX_COMMENT = 4000;
    private static final int MAX_TEXT = 256;

    private final BatchWriter<FeedbackRecord> writer;
    private final FeedbackReader reader;
    private final RecentRequests recent;
    private final Clock clock;
    private final List<Consumer<FeedbackRecord>> listeners;
    private final SharedLookups<Rated> lookups = new SharedLookups<>(STORE_POLLS_MS);
    /** Per key, bounded; an idle key's slots are all free, so forgetting it loses nothing. */
    private final com.github.benmanes.caffeine.cache.Cache<String, java.util.concurrent.Semaphore> waiting =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(100_000)
                    .expireAfterAccess(Duration.ofMinutes(10)).build();

    /** @param listeners told about every accepted piece of feedback (metrics, alert rules) */
    public Feedback(BatchWriter<FeedbackRecord> writer, FeedbackReader reader, RecentRequests recent, Clock clock,
                    List<Consumer<FeedbackRecord>> listeners) {
        this.writer = writer;
        this.reader = reader;
        this.recent = recent;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Validates and records feedback from {@code caller}.
     *
     * @param checkOwnership false when auth is off (anyone may rate anything)
     * @throws SluiceException 400 naming the bad field, 404 {@code request_not_found}
     */
    public FeedbackRecord submit(Caller caller, boolean checkOwnership, JsonNode body) {
        if (!body.isObject()) {
            throw SluiceException.invalidRequest(null, "The body must be a JSON object with request_id (or trace_id) and value.");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw SluiceException.invalidRequest(field, "Unknown field '" + field + "'. Feedback takes "
                        + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ".");
            }
        }
        String requestId = text(body, "request_id", 256);
        String traceId = text(body, "trace_id", 64);
        if (requestId == null && traceId == null) {
            throw SluiceException.missing("request_id");
        }
        JsonNode value = body.get("value");
        if (value == null || value.isNull()) {
            throw SluiceException.missing("value");
        }
        String kind;
        Double num;
        String valueText;
        String sentiment;
        if (value.isTextual() && Set.of("up", "down").contains(value.asText().strip().toLowerCase(Locale.ROOT))) {
            boolean up = value.asText().strip().equalsIgnoreCase("up");
            kind = "thumbs";
            num = up ? 1.0 : 0.0;
            valueText = up ? "up" : "down";
            sentiment = up ? "positive" : "negative";
        } else if (value.isBoolean()) {
            kind = "boolean";
            num = value.booleanValue() ? 1.0 : 0.0;
            valueText = Boolean.toString(value.booleanValue());
            sentiment = value.booleanValue() ? "positive" : "negative";
        } else if (value.isNumber()) {
            double d = value.doubleValue();
            if (!Double.isFinite(d)) {
                throw SluiceException.invalidRequest("value", "The value must be a finite number.");
            }
            kind = "number";
            num = d;
            valueText = null;
            sentiment = "neutral";
        } else if (value.isTextual()) {
            String category = value.asText().strip();
            if (category.isEmpty() || category.length() > 128) {
                throw SluiceException.invalidRequest("value", "A category value must be 1 to 128 characters.");
            }
            kind = "category";
            num = null;
            valueText = category;
            sentiment = "neutral";
        } else {
            throw SluiceException.invalidType("value", "\"up\" or \"down\", a number, a boolean, or a category string");
        }
        String name = text(body, "name", 64);
        if (name == null) {
            if (!kind.equals("thumbs")) {
                throw SluiceException.invalidRequest("name", "Name this " + kind + " feedback (e.g. \"helpfulness\");"
                        + " only up/down defaults to \"thumbs\".");
            }
            name = "thumbs";
        } else if (!NAME.matcher(name).matches()) {
            throw SluiceException.invalidRequest("name", "The name may use letters, digits, '_', '.', ':' and '-' (1 to 64 characters).");
        }
        String comment = text(body, "comment", MAX_COMMENT);
        String user = text(body, "user", MAX_TEXT);

        Rated rated = find(caller, requestId != null ? requestId : traceId, requestId == null);
        if (rated == null || (checkOwnership && !mayRate(caller, rated))) {
            // another team's request is "not found" too, so ids cannot be probed
            throw new SluiceException(404, "invalid_request_error", "request_not_found", requestId != null ? "request_id" : "trace_id",
                    "No request " + (requestId != null ? "'" + requestId + "'" : "with trace id '" + traceId + "'")
                            + " that this key may rate. Use the x-request-id of a response to this key or its team.");
        }
        FeedbackRecord record = new FeedbackRecord(newId(), clock.millis(), rated.requestId(), rated.traceId(),
                rated.keyId(), rated.team(), rated.model(), name, kind, num, valueText, sentiment, comment,
                user != null ? user : rated.endUser(), caller.keyId());
        record(record);
        return record;
    }

    /** Stores feedback Sluice produced itself (an online evaluator's score) and tells the listeners. */
    public void record(FeedbackRecord record) {
        writer.offer(record);
        for (Consumer<FeedbackRecord> listener : listeners) {
            listener.accept(record);
        }
    }

    /** A key may rate its own requests and those of keys in its team. */
    static boolean mayRate(Caller caller, Rated rated) {
        if (caller.keyId() != null && caller.keyId().equals(rated.keyId())) {
            return true;
        }
        return caller.team() != null && caller.team().equals(rated.team());
    }

    /**
     * The caller's team's (or, without a team, the caller's own) request with this id: from the
     * recent index, else from the store, polling briefly (about a second, {@link #STORE_POLLS_MS})
     * for one just finished. Concurrent asks for the same id share one poll, and a key may have at
     * most {@link #MAX_WAITING_PER_KEY} asks waiting at once, so unknown ids cannot tie up the store.
     *
     * @throws SluiceException 429 when the key has too many asks waiting
     */
    private Rated find(Caller caller, String id, boolean byTrace) {
        String scope = RecentRequests.scope(caller);
        Rated r = recent.find(scope, id, byTrace);
        if (r != null) {
            return r;
        }
        java.util.concurrent.Semaphore slots = waiting.get(String.valueOf(caller.keyId()),
                k -> new java.util.concurrent.Semaphore(MAX_WAITING_PER_KEY));
        if (!slots.tryAcquire()) {
            throw new SluiceException(429, "rate_limit_error", "too_many_feedback_lookups", byTrace ? "trace_id" : "request_id",
                    "This key already has " + MAX_WAITING_PER_KEY + " feedback requests waiting for requests Sluice does"
                            + " not know yet. Send feedback with the x-request-id of an answered request, and retry shortly.",
                    Duration.ofSeconds(1), null);
        }
        try {
            return lookups.await(scope + '\u0000' + (byTrace ? "t:" : "r:") + id, () -> {
                Rated found = recent.find(scope, id, byTrace);
                return found != null ? found : reader.request(id, byTrace, caller.team(), caller.keyId()).orElse(null);
            });
        } finally {
            slots.release();
        }
    }

    private static String text(JsonNode body, String field, int max) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw SluiceException.invalidType(field, "a string");
        }
        String s = n.asText().strip();
        if (s.isEmpty()) {
            throw SluiceException.invalidRequest(field, "'" + field + "' must not be empty.");
        }
        if (s.length() > max) {
            throw SluiceException.invalidRequest(field, "'" + field + "' is longer than " + max + " characters.");
        }
        return s;
    }

    private static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "fb_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextInt() | Integer.MIN_VALUE);
    }

    /** The value as the client sent it, for answers and listings. */
    public static Object value(FeedbackRecord f) {
        return switch (f.kind()) {
            case "thumbs", "category" -> f.valueText();
            case "boolean" -> Boolean.parseBoolean(f.valueText());
            default -> f.valueNum();
        };
    }
}
