package dev.sluice.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Json;
import dev.sluice.store.SpanRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Span rows: an ended span as the store's row, its JSON the text Jackson writes")
class SpanRowsTest {

    @Test
    @DisplayName("attributes JSON equals Jackson's for escapes, control characters, non-ASCII, numbers, booleans and lists")
    void jsonAsJackson() throws Exception {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("plain", "gpt-4o-mini");
        values.put("quote \" and \\ backslash", "say \"hi\" \\ now");
        values.put("controls", "a\nb\rc\td\be\ff\u0000g\u001fh\u007f");
        values.put("unicode", "héllo – 日本語 \uD83D\uDE00 \u2028");
        values.put("slash", "a/b</script>");
        values.put("long", 1234567890123L);
        values.put("negative", -7L);
        values.put("double", 0.1);
        values.put("small", 1.275E-5);
        values.put("whole", 1.0);
        values.put("big", 1.0E21);
        values.put("nan", Double.NaN);
        values.put("inf", Double.NEGATIVE_INFINITY);
        values.put("yes", true);
        values.put("no", false);
        values.put("list", List.of("stop", "le\"ngth"));
        values.put("empty", "");
        values.put("emptyList", List.of());
        Span.Attributes a = new Span.Attributes();
        values.forEach(a::put);
        assertThat(SpanRows.json(a)).isEqualTo(Json.MAPPER.writeValueAsString(values));
        assertThat(SpanRows.json(new Span.Attributes())).isNull();
    }

    @Test
    @DisplayName("the row: ids, kind and status names, the indexed columns from their attributes, events with sorted attributes")
    void record() {
        List<Span> ended = new ArrayList<>();
        Tracer tracer = Tracer.recording(ended::add);
        Span root = tracer.startRoot("chat m", Span.Kind.SERVER, TraceParent.parse(
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null));
        root.set("sluice.team", "research").set("session.id", "s-1").set("sluice.request_id", "req_1")
                .set("enduser.id", "ann").set("sluice.team", "other");
        root.addEvent("gen_ai.guardrail", new Span.Attributes().put("z", "last").put("a", 0.5));
        root.error("server_error");
        root.end();
        SpanRecord r = SpanRows.record(ended.getFirst(), "sluice");
        assertThat(r.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(r.parentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(r.kind()).isEqualTo("server");
        assertThat(r.status()).isEqualTo("error");
        assertThat(r.statusMessage()).isEqualTo("server_error");
        assertThat(r.sessionId()).isEqualTo("s-1");
        assertThat(r.requestId()).isEqualTo("req_1");
        assertThat(r.endUser()).isEqualTo("ann");
        assertThat(r.team()).isEqualTo("other");
        // a key set again keeps its place
        assertThat(r.attributes()).isEqualTo("{\"sluice.team\":\"other\",\"session.id\":\"s-1\","
                + "\"sluice.request_id\":\"req_1\",\"enduser.id\":\"ann\"}");
        assertThat(r.events()).matches("\\[\\{\"name\":\"gen_ai.guardrail\",\"time_ns\":\\d+,"
                + "\"attributes\":\\{\"a\":0.5,\"z\":\"last\"}}]");
        assertThat(r.endNanos()).isGreaterThanOrEqualTo(r.startNanos());
    }
}
