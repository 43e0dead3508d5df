package dev.sluice.prompts.rollout;

import dev.sluice.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an experiment arm's requests from the request log (the columns {@code experiment} and
 * {@code variant} the prompt stage records), with each request's feedback verdict, as
 * {@link Observation}s: what canary gates and A/B figures are computed from. The feedback verdict
 * is people's (positive or negative sentiment); the online score is the mean of the online
 * evaluators' scores of the request. Refusals that are the
 * caller's doing (401, 403, 429) are not the variant's errors and are left out.
 */
public final class RequestFigures implements RolloutDriver.FiguresSource {
    /** Requests read per arm and window at most: figures of a larger window are of its newest requests. */
    public static final int MAX_ROWS = 100_000;

    /**
     * Feedback from people, not from the online evaluators (which store their scores, in [0, 1], as
     * feedback rated by {@code evaluator:NAME@vN}): those are the online score instead.
     */
    private static final String NOT_EVALUATOR = "(f.rated_by IS NULL OR f.rated_by NOT LIKE 'evaluator:%')";
    /** Feedback on this request, not on another team's with the same client-chosen x-request-id. */
    private static final String SAME_REQUEST = "f.request_id = r.request_id AND (f.team = r.team OR (f.team IS NULL AND r.team IS NULL))";
    private final Database database;

    public RequestFigures(Database database) {
        this.database = database;
    }

    /** A rollout's side over a window: its requests that the split sent to {@code target}. */
    @Override
    public List<Observation> observations(RolloutState rollout, String target, long fromMs, long toMs) {
        String side = target.equals(rollout.plan().candidate()) ? TrafficSplits.CANDIDATE : TrafficSplits.BASELINE;
        return query(" AND r.experiment_window = ?", rollout.id(), side, rollout.stepStartedAt());
    }

    /** The requests of one arm of an experiment in [{@code fromMs}, {@code toMs}), newest first. */
    public List<Observation> observations(String experiment, String variant, long fromMs, long toMs) {
        return query(" AND r.ts >= ? AND r.ts < ?", experiment, variant, fromMs, toMs);
    }

    private List<Observation> query(String range, String experiment, String variant, long... bounds) {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT r.ts, r.status, r.error_type, r.latency_ms, r.ttft_ms,"
                    + " r.tokens_in, r.tokens_out, r.cost_usd, r.stream,"
                    + " (SELECT MAX(CASE f.sentiment WHEN 'positive' THEN 1 WHEN 'negative' THEN 0 END) FROM feedback f"
                    + " WHERE " + SAME_REQUEST + " AND " + NOT_EVALUATOR + ") AS positive,"
                    + " (SELECT AVG(f.value_num) FROM feedback f WHERE " + SAME_REQUEST + " AND NOT " + NOT_EVALUATOR
                    + ") AS score"
                    + " FROM request_log r WHERE r.experiment = ? AND r.variant = ?" + range
                    + " AND r.status NOT IN (401, 403, 429) ORDER BY r.ts DESC LIMIT ?")) {
                ps.setString(1, experiment);
                ps.setString(2, variant);
                int i = 3;
                for (long b : bounds) {
                    ps.setLong(i++, b);
                }
                ps.setInt(i, MAX_ROWS);
                List<Observation> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long ttft = rs.getLong(5);
                        Long ttftMs = rs.wasNull() || rs.getInt(9) == 0 ? null : ttft;
                        int positive = rs.getInt(10);
                        Boolean feedback = rs.wasNull() ? null : positive == 1;
                        String error = rs.getString(3);
                        if (error == null && rs.getInt(2) >= 400) {
                            error = "http_" + rs.getInt(2);
                        }
                        double score = rs.getDouble(11);
                        Double onlineScore = rs.wasNull() ? null : score;
                        out.add(new Observation(variant, rs.getLong(1), error, rs.getLong(4), ttftMs, rs.getLong(6),
                                rs.getLong(7), rs.getDouble(8), feedback, onlineScore));
                    }
                }
                return out;
            }
        });
    }
}
