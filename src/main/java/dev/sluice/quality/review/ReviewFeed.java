package dev.sluice.quality.review;

import dev.sluice.store.BatchWriter;
import dev.sluice.store.FeedbackRecord;
import dev.sluice.store.ReviewItem;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Feeds the review queue: told about every piece of feedback (a feedback listener), it queues the
 * request of each negative one — a person's thumbs down or {@code false}, an online evaluator's
 * failed score. The writer batches them on its own thread, so the feedback request never waits;
 * a request already queued stays queued once.
 */
public final class ReviewFeed implements Consumer<FeedbackRecord> {
    /** Online evaluators rate as {@code evaluator:<name>@v<n>}; their feedback is named {@code eval:<name>}. */
    private static final String EVALUATOR = "evaluator:";
    private static final int MAX_REASON = 200;

    private final BatchWriter<ReviewItem> writer;

    public ReviewFeed(BatchWriter<ReviewItem> writer) {
        this.writer = writer;
    }

    @Override
    public void accept(FeedbackRecord f) {
        if (!"negative".equals(f.sentiment())) {
            return;
        }
        writer.offer(ReviewItem.queued(newId(), f.ts(), f.requestId(), f.traceId(), f.keyId(), f.team(), f.model(),
                reason(f), f.valueNum()));
    }

    /** {@code eval:valid-json 0.00} for an evaluator, {@code feedback:thumbs down} for a person. */
    static String reason(FeedbackRecord f) {
        boolean evaluator = f.ratedBy() != null && f.ratedBy().startsWith(EVALUATOR);
        String value = f.valueText() != null ? f.valueText()
                : f.valueNum() != null ? String.format(Locale.ROOT, "%.2f", f.valueNum()) : "";
        String reason = (evaluator ? f.name() : "feedback:" + f.name()) + (value.isEmpty() ? "" : " " + value);
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
    }

    private static String newId() {
        byte[] bytes = new byte[8];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "rv_" + HexFormat.of().formatHex(bytes);
    }
}
