package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.trace.Span;
import dev.sluice.trace.SpanRows;
import dev.sluice.trace.TraceParent;
import dev.sluice.trace.Tracer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A trace's summary counts a root's folded stage spans, read without expanding them, as the rows they were")
class StageSummaryTest {
    /** Rows as the span writer gets them: a root with its plain stages and its answered attempt folded in. */
    static List<SpanRecord> request(String team, String session) {
        List<SpanRecord> rows = new ArrayList<>();
        Tracer tracer = Tracer.recording(span -> SpanRows.rows(span, "sluice", rows::add));
        Span root = tracer.startRoot("chat gpt-4o-mini", Span.Kind.SERVER, (TraceParent) null);
        try (Tracer.Scope r = root.makeCurrent()) {
            tracer.start("sluice.AuthStage").end(); // before the root has its team: none
            if (team != null) {
                root.set(Tracer.TEAM, team);
            }
            if (session != null) {
                root.set("session.id", session);
            }
            root.set("gen_ai.request.model", "gpt-4o-mini").set("gen_ai.provider.name", "sim")
                    .set("gen_ai.usage.input_tokens", 9L);
            Span limits = tracer.start("sluice.LimitStage");
            try (Tracer.Scope l = limits.makeCurrent()) {
                Span answered = tracer.start("chat gpt-4o-mini", Span.Kind.CLIENT, "gen_ai.provider.name", "sim");
                answered.set("gen_ai.usage.input_tokens", 9L);
                answered.end();
                Span failed = tracer.start("sluice.Failed");
                failed.error("boom"); // its own row
                failed.end();
            }
            limits.end();
            tracer.start("sluice.RouteStage").end();
        }
        root.end();
        return rows;
    }

    static String render(List<TraceSummaries.Summary> rows) {
        StringBuilder b = new StringBuilder();
        for (TraceSummaries.Summary s : rows) {
            b.append(String.join("|", s.traceId, s.owner, String.valueOf(s.start), String.valueOf(s.end),
                    String.valueOf(s.spans), String.valueOf(s.errors), String.valueOf(s.unowned), s.rootName,
                    s.rootService, String.valueOf(s.rootStart), s.session, s.model, String.valueOf(s.names),
                    String.valueOf(s.services))).append('\n');
        }
        return b.toString();
    }

    private static void sameAsExpanded(List<SpanRecord> stored) {
        String expanded = render(TraceSummaries.summarise(StageSpans.expand(stored, false)));
        assertThat(render(TraceSummaries.summarise(stored))).isEqualTo(expanded);
    }

    @Test
    @DisplayName("folded stages and attempts read by the scan: the same summaries as from the expanded rows")
    void scannedStages() {
        List<SpanRecord> stored = new ArrayList<>();
        stored.addAll(request("team-a", "s-1"));
        stored.addAll(request(null, null));
        stored.addAll(request("team-b", null));
        SpanRecord root = stored.stream().filter(s -> s.stages() != null).findFirst().orElseThrow();
        List<StageSpans.Stage> stages = StageSpans.stages(root);
        assertThat(stages).as("the scan reads this text").isNotNull();
        assertThat(stages).extracting(StageSpans.Stage::name)
                .containsExactlyInAnyOrder("sluice.AuthStage", "sluice.LimitStage", "chat gpt-4o-mini", "sluice.RouteStage");
        assertThat(stages).filteredOn(g -> g.name().equals("sluice.AuthStage")).extracting(StageSpans.Stage::team)
                .containsExactly(false);
        assertThat(stages).filteredOn(g -> g.name().equals("sluice.RouteStage")).extracting(StageSpans.Stage::team)
                .containsExactly(true);
        sameAsExpanded(stored);
        TraceSummaries.Summary all = TraceSummaries.summarise(request("team-a", null)).stream()
                .filter(s -> s.owner.equals(TraceSummaries.ALL)).findFirst().orElseThrow();
        assertThat(all.spans).as("root, 4 folded, the failed span's own row").isEqualTo(6);
        assertThat(all.errors).isEqualTo(1);
        assertThat(all.unowned).as("the stage started before the root had its team").isEqualTo(1);
    }

    @Test
    @DisplayName("a text the scan does not read (escapes, a parent of null, an unexpected shape) goes through the"
            + " parser, with the same result; an unreadable one counts the root only, as before")
    void otherTexts() {
        SpanRecord base = request("team-a", null).stream().filter(s -> s.stages() != null).findFirst().orElseThrow();
        String[] texts = {
            "[[\"a1\",\"" + base.spanId() + "\",\"sluice.Quote\\\"d \\u0001\",5,9,1]]", // escapes: the parser
            "[[\"a2\",null,\"orphan\",-3,4,0],[\"a3\",\"a2\",\"x\",1,2,1,\"client\",[0,1]]]", // scanned
            "[]",
            "[[\"a4\",\"p\",\"x\",1,2]]", // a field short: neither reads it, the root alone counts
            "[[\"a5\",\"p\",\"x\",1,2,1]] trailing",
        };
        for (String text : texts) {
            SpanRecord root = new SpanRecord(base.traceId(), base.spanId(), null, base.name(), base.kind(),
                    base.startNanos(), base.endNanos(), base.status(), null, base.service(), base.sessionId(),
                    base.requestId(), base.endUser(), base.attributes(), base.events(), base.team(), text);
            sameAsExpanded(List.of(root));
        }
        assertThat(StageSpans.stages(new SpanRecord("t", "s", null, "n", "server", 100, 200, "unset", null, "svc",
                null, null, null, null, null, null, "[[\"a\",null,\"o\",-3,4,0]]")))
                .containsExactly(new StageSpans.Stage("o", false, 97, 104, false));
    }
}
