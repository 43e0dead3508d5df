package dev.sluice.store;

/** The store failed (disk, schema, SQL). Requests never see it; admin calls get a 500/503. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
