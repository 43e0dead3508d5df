package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.trace.Span;
import dev.sluice.trace.SpanRows;
import dev.sluice.trace.TraceParent;
import dev.sluice.trace.Tracer;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Stage spans stored in their root's row read back as the spans they were")
class StageSpansTest {
    static final Comparator<SpanRecord> BY_START = Comparator.comparingLong(SpanRecord::startNanos)
            .thenComparing(SpanRecord::spanId);

    /** Every span as its own row (what was stored before V62) and the rows stored now. */
    record Rows(List<SpanRecord> own, List<SpanRecord> stored) {}

    static Rows trace(String team) {
        Rows rows = new Rows(new ArrayList<>(), new ArrayList<>());
        Tracer tracer = Tracer.recording(span -> {
            rows.own().add(SpanRows.record(span, "sluice"));
            SpanRows.rows(span, "sluice", rows.stored()::add);
        });
        Span root = tracer.startRoot("chat gpt-4o-mini", Span.Kind.SERVER, (TraceParent) null);
        Span late;
        try (Tracer.Scope r = root.makeCurrent()) {
            Span early = tracer.start("sluice.AuthStage"); // started before the root knows its team: none
            early.end();
            if (team != null) {
                root.set(Tracer.TEAM, team);
            }
            root.set("gen_ai.provider.name", "sim").set("gen_ai.usage.input_tokens", 9L)
                    .set("gen_ai.response.finish_reasons", List.of("stop", "len\"gth"));
            Span auth = tracer.start("sluice.Prompt\"Stage\" \u00fc\u0001"); // inherits the team; escapes
            try (Tracer.Scope a = auth.makeCurrent()) {
                Span limits = tracer.start("sluice.LimitStage");
                try (Tracer.Scope l = limits.makeCurrent()) {
                    Span attempt = tracer.start("chat gpt-4o-mini", Span.Kind.CLIENT, "gen_ai.operation.name", "chat");
                    attempt.end(); // an attribute the root does not have: its own row
                    Span answered = tracer.start("chat answered", Span.Kind.CLIENT, "gen_ai.provider.name", "sim");
                    answered.set("gen_ai.response.finish_reasons", List.of("stop", "len\"gth"))
                            .set("gen_ai.usage.input_tokens", 9L);
                    answered.end(); // every attribute the root's: in the root's row
                    Span differs = tracer.start("chat differs", Span.Kind.CLIENT, "gen_ai.provider.name", "sim");
                    differs.set("gen_ai.usage.input_tokens", 8L);
                    differs.end(); // a value other than the root's: its own row
                    Span tagged = tracer.start("sluice.Tagged").set("x", "y"); // another attribute: its own row
                    tagged.end();
                    Span failed = tracer.start("sluice.Failed");
                    failed.error("boom"); // an error: its own row
                    failed.end();
                    Span other = tracer.start("sluice.OtherTeam").set(Tracer.TEAM, "other"); // not the root's team
                    other.end();
                    Span event = tracer.start("sluice.Event");
                    event.addEvent("e", new Span.Attributes());
                    event.end();
                }
                limits.end();
            }
            auth.end();
            late = tracer.start("sluice.Late"); // ends after its root: its own row
        }
        root.end();
        late.end();
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("a root's plain stage spans share its row; the trace, its summaries and their recomputation read"
            + " every span, column for column, as when each had its own row")
    void roundTrip(String store) throws Exception {
        try (Database db = TraceSummariesTest.open(store)) {
            for (String team : new String[] {"re\"search", null}) {
                Rows rows = trace(team);
                String traceId = rows.own().getFirst().traceId();
                // three plain stage spans folded (AuthStage, PromptStage, LimitStage) and the attempt whose attributes
                // are the root's; the other seven spans have rows
                assertThat(rows.stored()).hasSize(rows.own().size() - 4);
                assertThat(rows.stored()).extracting(SpanRecord::name).doesNotContain("chat answered")
                        .contains("chat differs", "chat gpt-4o-mini");
                assertThat(StageSpans.expand(rows.stored(), false)).extracting(SpanRecord::name)
                        .contains("chat answered");
                assertThat(rows.stored().stream().filter(s -> s.stages() != null)).hasSize(1);
                assertThat(sorted(StageSpans.expand(rows.stored()))).isEqualTo(sorted(rows.own()));

                TraceSummariesTest.write(db, rows.stored());
                assertThat(new SpanReader(db).trace(traceId, 100)).isEqualTo(sorted(rows.own()));
                assertThat(new SpanReader(db).trace(traceId, 4)).isEqualTo(sorted(rows.own()).subList(0, 4));
                assertThat(rowCount(db, traceId)).isEqualTo(rows.stored().size());
                String all = summary(rows.own(), null);
                assertThat(TraceSummariesTest.summaries(db, TraceSummaries.ALL).get(traceId)).isEqualTo(all);
                if (team != null) {
                    assertThat(TraceSummariesTest.summaries(db, TraceSummaries.owner(team)).get(traceId))
                            .isEqualTo(summary(rows.own(), TraceSummaries.owner(team)));
                }
                // spans of no team: counted on the trace's row (V64)
                assertThat(TraceSummariesTest.unowned(db).get(traceId))
                        .isEqualTo(rows.own().stream().filter(s -> s.team() == null).count());
                // written twice (a spill replayed): nothing added
                TraceSummariesTest.write(db, rows.stored());
                assertThat(TraceSummariesTest.summaries(db, TraceSummaries.ALL).get(traceId)).isEqualTo(all);
                db.withConnection(c -> {
                    TraceSummaries.recompute(c, store.equals("postgresql"), List.of(traceId));
                    return null;
                });
                assertThat(TraceSummariesTest.summaries(db, TraceSummaries.ALL).get(traceId)).isEqualTo(all);
            }
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("the tracer's team attribute is the one the store folds")
    void teamAttribute() {
        assertThat(Tracer.TEAM).isEqualTo(StageSpans.TEAM_ATTRIBUTE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    @DisplayName("a stages text that cannot be read costs its stage spans, not the trace")
    void unreadable(String store) throws Exception {
        try (Database db = TraceSummariesTest.open(store)) {
            SpanRecord root = new SpanRecord(TraceSummariesTest.trace(7), "a000000000000001", null, "chat", "server", 1, 9,
                    "unset", null, "sluice", null, null, null, null, null, null, "[[\"a000000000000002\"");
            TraceSummariesTest.write(db, List.of(root));
            assertThat(new SpanReader(db).trace(root.traceId(), 10)).extracting(SpanRecord::spanId)
                    .containsExactly("a000000000000001");
        }
    }

    static List<SpanRecord> sorted(List<SpanRecord> spans) {
        List<SpanRecord> out = new ArrayList<>(spans);
        out.sort(BY_START);
        return out;
    }

    /** start/end/spans/errors of these spans (of one owner, null: all), as TraceSummariesTest.summaries shows it. */
    static String summary(List<SpanRecord> spans, String owner) {
        List<SpanRecord> of = spans.stream().filter(s -> owner == null || owner.equals(TraceSummaries.owner(s.team())))
                .toList();
        return of.stream().mapToLong(SpanRecord::startNanos).min().orElseThrow() + "/"
                + of.stream().mapToLong(SpanRecord::endNanos).max().orElseThrow() + "/" + of.size() + "/"
                + of.stream().filter(s -> s.status().equals("error")).count();
    }

    static int rowCount(Database db, String traceId) {
        return db.withConnection(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM spans WHERE trace_id = '" + traceId + "'")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
