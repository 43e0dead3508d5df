package dev.sluice.store;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store target that tells a listener which records it has just committed, on the writer's thread.
 * What the listener does cannot fail the write: the batch is in the store either way.
 */
public final class NotifyingTarget<T> implements BatchWriter.Target<T> {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyingTarget.class);
    private final BatchWriter.Target<T> store;
    private final Consumer<List<T>> stored;

    public NotifyingTarget(BatchWriter.Target<T> store, Consumer<List<T>> stored) {
        this.store = store;
        this.stored = stored;
    }

    @Override
    public void write(List<T> batch) throws Exception {
        store.write(batch);
        committed(batch);
    }

    @Override
    public BatchWriter.StoreTarget<T> storePart() {
        return store.storePart();
    }

    /** The batch is in the store (written here, or in a transaction shared with other writers). */
    @Override
    public void committed(List<T> batch) {
        store.committed(batch);
        try {
            stored.accept(batch);
        } catch (RuntimeException e) {
            LOG.warn("a listener of stored records failed: {}", e.toString());
        }
    }

    @Override
    public boolean reachable() {
        return store.reachable();
    }

    @Override
    public void reset() {
        store.reset();
    }
}
