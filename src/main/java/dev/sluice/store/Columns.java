package dev.sluice.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.api.Json;
import dev.sluice.config.Quota;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;

/** Reading and binding the column types the repositories share: nullable numbers, JSON lists and maps, quotas. */
final class Columns {
    static final String QUOTA = "rpm, tpm, concurrency, daily_budget, monthly_budget";

    private Columns() {}

    static Quota quota(ResultSet rs) throws SQLException {
        return new Quota(integer(rs, "rpm"), integer(rs, "tpm"), integer(rs, "concurrency"),
                decimal(rs, "daily_budget"), decimal(rs, "monthly_budget"));
    }

    /** Binds the five quota columns starting at {@code index}; returns the next index. */
    static int bindQuota(PreparedStatement ps, int index, Quota q) throws SQLException {
        setInt(ps, index, q.rpm());
        setInt(ps, index + 1, q.tpm());
        setInt(ps, index + 2, q.concurrency());
        setDouble(ps, index + 3, q.dailyUsd());
        setDouble(ps, index + 4, q.monthlyUsd());
        return index + 5;
    }

    static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    static Long bigint(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static Double decimal(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }

    static String jsonOrNull(List<String> list) {
        return list.isEmpty() ? null : Json.string(list);
    }

    static String jsonOrNull(Map<String, String> map) {
        return map.isEmpty() ? null : Json.string(map);
    }

    static List<String> list(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return Json.MAPPER.readValue(json, new TypeReference<List<String>>() {});
        } catch (Exception e) {
            throw new IllegalStateException("corrupt list column: " + json, e);
        }
    }

    static Map<String, String> map(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
        } catch (Exception e) {
            throw new IllegalStateException("corrupt map column: " + json, e);
        }
    }
}
