package dev.sluice.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's day partitions of the request log, spans, bodies (migration V51) and trace summaries (V60): creates the
 * partitions of the coming days ahead of time, and drops the partitions whose whole day is past a
 * retention cutoff (a drop, not a DELETE of every row: no dead rows, no vacuum). Rows that arrive for a
 * day without a partition (a clock far off, a spill file replayed after a long outage) land in the
 * table's DEFAULT partition, so nothing is refused; retention deletes them there by row.
 */
public final class Partitions {
    /** How many days ahead partitions exist; the maintenance job runs at least daily (store open, retention runs). */
    public static final int DAYS_AHEAD = 7;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final Pattern NAME = Pattern.compile("_p(\\d{8})$");

    /** A partitioned table and whether its partition key counts nanoseconds. */
    public record Table(String name, boolean nanos) {}

    public static final List<Table> TABLES = List.of(new Table("request_log", false), new Table("spans", true),
            new Table("bodies", false), new Table("trace_summary", true));

    private Partitions() {}

    /** Creates the partitions from yesterday to {@link #DAYS_AHEAD} days ahead (idempotent); PostgreSQL only. */
    public static void ensure(Database database, long nowMillis) {
        if (database.dialect() != Database.Dialect.POSTGRES) {
            return;
        }
        LocalDate today = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC);
        database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT sluice_partition_day(?, CAST(? AS DATE), ?)")) {
                for (Table t : TABLES) {
                    for (LocalDate d = today.minusDays(1); !d.isAfter(today.plusDays(DAYS_AHEAD)); d = d.plusDays(1)) {
                        ps.setString(1, t.name());
                        ps.setString(2, d.toString());
                        ps.setBoolean(3, t.nanos());
                        ps.executeQuery().close();
                    }
                }
            }
            return null;
        });
    }

    /** The day partitions of a table, oldest first. */
    public static List<String> list(Database database, String table) {
        return database.withConnection(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT c.relname FROM pg_inherits i JOIN pg_class c"
                    + " ON c.oid = i.inhrelid WHERE i.inhparent = CAST(? AS regclass) ORDER BY c.relname")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (NAME.matcher(rs.getString(1)).find()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
            }
            return out;
        });
    }

    /**
     * Drops the day partitions of {@code table} that end at or before {@code cutoffMillis}; returns their
     * names. The rows of the day the cutoff falls in stay for the row-by-row delete.
     */
    public static List<String> dropBefore(Database database, String table, long cutoffMillis) {
        if (database.dialect() != Database.Dialect.POSTGRES) {
            return List.of();
        }
        List<String> dropped = new ArrayList<>();
        for (String partition : list(database, table)) {
            Matcher m = NAME.matcher(partition);
            m.find();
            LocalDate day = LocalDate.parse(m.group(1), DAY);
            long end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            if (end <= cutoffMillis) {
                database.withConnection(c -> {
                    try (var s = c.createStatement()) {
                        s.execute("DROP TABLE " + partition);
                    }
                    return null;
                });
                dropped.add(partition);
            }
        }
        return dropped;
    }
}
