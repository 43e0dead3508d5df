package dev.sluice.limits;

import java.util.List;

/**
 * Checks and takes a request's buckets atomically: either every bucket has room and all are
 * taken, or none is. {@link #settle} later corrects estimates with what the request really used.
 */
public interface Limiter extends AutoCloseable {

    /** @param leaseId identifies this request's concurrency slots, released by {@link #settle} */
    Decision acquire(List<Bucket> buckets, String leaseId);

    /**
     * Settles a finished request: releases its concurrency slots and adds {@code correction} to
     * each token and budget bucket (actual minus estimated; negative gives back).
     */
    void settle(List<Bucket> buckets, String leaseId, double tokenCorrection, double costCorrection);

    /**
     * What is left in each bucket now (requests or tokens refilled so far, free concurrency slots,
     * budget not spent), without taking anything: the headroom the admin API shows.
     */
    double[] available(List<Bucket> buckets);

    /** Spent so far in a budget bucket's period (USD). */
    double spent(Bucket budget);

    @Override
    default void close() {}
}
