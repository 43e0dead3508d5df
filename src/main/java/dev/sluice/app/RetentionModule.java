package dev.sluice.app;

import dev.sluice.config.RetentionConfig;
import dev.sluice.store.Retention;
import java.time.Clock;

/**
 * {@code retention:}: deletes records past their time to live on a background virtual thread.
 * Modules that keep records of their own register them ({@link #retention()}).
 */
final class RetentionModule implements Module {
    private final Retention retention;

    RetentionModule(RetentionConfig config, StoreModule store, Clock clock) {
        this.retention = new Retention(store.database(), config, clock, true);
        // a tombstone only has to outlast the records still waiting somewhere (a spill file, the stream)
        retention.add("erased_users", "erased_at", false, java.time.Duration.ofDays(30));
    }

    @Override
    public String name() {
        return "retention";
    }

    Retention retention() {
        return retention;
    }

    @Override
    public void close() {
        retention.close();
    }
}
