package dev.sluice.app;

import dev.sluice.store.BatchWriter;
import dev.sluice.store.BodyRecord;
import dev.sluice.store.FeedbackRecord;
import dev.sluice.store.RequestRecord;
import dev.sluice.store.ReviewItem;
import dev.sluice.store.SpanRecord;
import java.util.List;

/** The store's background writers, each one platform thread behind a bounded queue (tests see them through {@link Gateway#writers()}). */
public record StoreWriters(BatchWriter<RequestRecord> requestLog, BatchWriter<SpanRecord> spans,
                           BatchWriter<FeedbackRecord> feedback, BatchWriter<BodyRecord> bodies,
                           BatchWriter<ReviewItem> reviews) {
    List<BatchWriter<?>> all() {
        return List.of(requestLog, spans, feedback, bodies, reviews);
    }
}
