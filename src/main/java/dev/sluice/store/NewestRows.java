package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The newest rows of a table (by id), optionally filtered by equal column values: for the admin API's listings. */
final class NewestRows {
    private NewestRows() {}

    /** A filter {@code column = value}; a null value filters nothing. */
    record Eq(String column, String value) {}

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /**
     * @param select {@code SELECT ... FROM table}; the filters, {@code ORDER BY id DESC} and
     *               {@code LIMIT} are added here
     */
    static <T> List<T> query(Database database, String select, List<Eq> filters, int limit, RowMapper<T> mapper) {
        StringBuilder sql = new StringBuilder(select).append(" WHERE 1=1");
        List<String> args = new ArrayList<>();
        for (Eq filter : filters) {
            if (filter.value() != null) {
                sql.append(" AND ").append(filter.column()).append(" = ?");
                args.add(filter.value());
            }
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String arg : args) {
                    ps.setString(i++, arg);
                }
                ps.setInt(i, limit);
                List<T> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(mapper.map(rs));
                    }
                }
                return out;
            }
        });
    }
}
