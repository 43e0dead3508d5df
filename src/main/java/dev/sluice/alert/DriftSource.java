package dev.sluice.alert;

import java.time.Duration;
import java.util.Map;

/**
 * Where {@code metric: drift} rules read their figures: the requests of a model in the recent window
 * compared with those of the baseline window just before it.
 */
public interface DriftSource {

    /**
     * @param value    the figure asked for
     * @param recent   sampled requests in the recent window
     * @param baseline sampled requests in the baseline window
     * @param figures  every figure of the comparison, for the alert
     */
    record Reading(double value, long recent, long baseline, Map<String, Object> figures) {}

    /** @param model the public model, or null for all traffic */
    Reading read(String figure, String model, Duration recent, Duration baseline, long now);
}
