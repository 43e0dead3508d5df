package dev.sluice.app;

import dev.sluice.admin.FeedbackEndpoints;
import dev.sluice.admin.ReviewsAdmin;
import dev.sluice.config.RetentionConfig;
import dev.sluice.observe.Feedback;
import dev.sluice.observe.RecentRequests;
import dev.sluice.quality.review.ReviewFeed;
import dev.sluice.store.BodyReader;
import dev.sluice.store.FeedbackReader;
import dev.sluice.store.FeedbackRecord;
import dev.sluice.store.FeedbackSummary;
import dev.sluice.store.ReviewRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * User feedback: {@code POST /v1/feedback} (linked to recent requests, which a completion listener
 * remembers), the admin views, metrics and alert rules on feedback, its retention and erasure; and
 * the review queue negative feedback feeds ({@code /admin/reviews}).
 */
final class FeedbackModule implements Module {
    private final RecentRequests recent;
    private final FeedbackEndpoints endpoints;
    private final ReviewsAdmin reviews;
    private final Feedback feedback;

    FeedbackModule(RetentionConfig retentionConfig, StoreModule store, RetentionModule retention, AuthModule auth,
                   MetricsModule metrics, AlertsModule alerts, Clock clock, long maxBodyBytes) {
        // with Redis, the index is every node's: feedback may reach another node than the one that answered
        this.recent = new RecentRequests(50_000, Duration.ofMinutes(10), store.redis());
        // a request the store holds is found there: dropping it from the index then keeps the index's entries
        // short-lived (they die young instead of being copied by every young collection for minutes), while a store
        // outage still keeps them, up to the bounds above, until the spill is replayed
        store.onRequestsStored(recent::stored);
        FeedbackReader reader = new FeedbackReader(store.database());
        List<Consumer<FeedbackRecord>> listeners = List.of(metrics::feedback, alerts::feedback,
                new ReviewFeed(store.writers().reviews()));
        this.feedback = new Feedback(store.writers().feedback(), reader, recent, clock, listeners);
        this.endpoints = new FeedbackEndpoints(feedback, reader, new FeedbackSummary(store.database()), auth.callers(),
                auth.enabled(), auth.adminGuard(), maxBodyBytes);
        store.erasure().add("feedback", "end_user");
        store.erasure().addCopy("recent_requests", recent::erase);
        retention.retention().add("feedback", "ts", false, retentionConfig.feedback());
        // the queue keeps what it is about for as long as the feedback that queued it
        retention.retention().add("review_items", "ts", false, retentionConfig.feedback());
        this.reviews = new ReviewsAdmin(auth.adminGuard(), new ReviewRepository(store.database()),
                new BodyReader(store.database()));
    }

    @Override
    public String name() {
        return "feedback";
    }

    /** Where Sluice's own scores go: stored as feedback, counted in metrics, seen by alert rules. */
    Feedback feedback() {
        return feedback;
    }

    @Override
    public void contribute(Contributions to) {
        to.listener(recent);
        to.endpoints(endpoints);
        to.endpoints(reviews);
    }
}
