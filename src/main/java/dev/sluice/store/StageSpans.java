package dev.sluice.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code stages} column of a gateway root span's row (migration V62): the request's plain internal spans — one
 * per pipeline stage, each with no attribute but the team, no event, status unset — stored in the root's row
 * instead of a row each. Four of a chat request's six span rows were such spans, and the span writer's cost is
 * mostly SQLite's work per row (table, primary key and start index entries); see bench/README.md, session 8.
 *
 * <p>What is stored is what the spans were, nothing dropped: {@link #expand} gives every reader (a trace's spans,
 * the trace summaries, their recomputation after an erasure) the same spans, column for column, as when each was
 * its own row. The text is a JSON array with one array per span:
 * {@code [span_id, parent_span_id, name, start_ns - root start_ns, end_ns - root start_ns, team]}, where team is
 * 1 when the span carried the root's team (the {@value #TEAM_ATTRIBUTE} attribute and the team column) and 0 when
 * it carried none. Kind {@code internal}, status {@code unset}, and the root's trace id and service, are implied.
 * A span that does not fit this shape (another attribute, an event, an error, a team other than the root's) is
 * stored as its own row, as before; so are every span of a client's (OTLP) trace and every span of a database
 * written before V62.
 *
 * <p>An upstream attempt's span (kind client, status unset, no event) whose every attribute is also the root's, with
 * the same value — a request answered by its first attempt — is stored there too (session 9), as
 * {@code [span_id, parent_span_id, name, start, end, team, "client", [i, j, ...]]}: its attributes are the root's
 * attributes at those indexes, in that order, their JSON text copied from the root's. That saves the second of a chat
 * request's two rows (and writing its model, provider, response id, finish reasons and usage twice).
 */
public final class StageSpans {
    private static final Logger LOG = LoggerFactory.getLogger(StageSpans.class);
    /** The attribute naming a span's team (the store's team column), the only one a folded span may carry. */
    public static final String TEAM_ATTRIBUTE = "sluice.team";
    private static final JsonFactory JSON = new JsonFactory();

    private StageSpans() {}

    /** These records with every root's folded spans after it, as separate records; the same list when none has any. */
    public static List<SpanRecord> expand(List<SpanRecord> records) {
        return expand(records, true);
    }

    /**
     * As {@link #expand(List)}; without {@code attributes}, a folded attempt's attributes are left null (what the
     * span writer's summaries need: an attempt folded into its root has only the root's attributes, so the root,
     * which starts first, already gives the trace its model), sparing the parse of the root's attributes.
     */
    public static List<SpanRecord> expand(List<SpanRecord> records, boolean attributes) {
        int folded = 0;
        for (SpanRecord r : records) {
            if (r.stages() != null) {
                folded++;
            }
        }
        if (folded == 0) {
            return records;
        }
        List<SpanRecord> out = new ArrayList<>(records.size() + 4 * folded);
        for (SpanRecord r : records) {
            if (r.stages() == null) {
                out.add(r);
            } else {
                out.add(new SpanRecord(r.traceId(), r.spanId(), r.parentSpanId(), r.name(), r.kind(), r.startNanos(),
                        r.endNanos(), r.status(), r.statusMessage(), r.service(), r.sessionId(), r.requestId(),
                        r.endUser(), r.attributes(), r.events(), r.team()));
                addStages(r, out, attributes);
            }
        }
        return out;
    }

    /** A folded span as a trace's summary counts it ({@link TraceSummaries}): its name, parent, times and team flag. */
    record Stage(String name, boolean hasParent, long startNanos, long endNanos, boolean team) {}

    /**
     * The spans folded into a root's row as the span writer's trace summaries need them, read by a scan of the text
     * as {@code SpanRows} writes it, without a JSON parser and without a record per span (building the expanded
     * records was most of the writer's own Java work a request: bench/README.md, "Session 11"); offsets made
     * absolute. Null when the text is not in that form (an escape in a string, anything unexpected): the caller then
     * reads it with {@link #expand}, which also logs a text it cannot read.
     */
    static List<Stage> stages(SpanRecord root) {
        String t = root.stages();
        if (t == null) {
            return List.of();
        }
        if (t.indexOf('\\') >= 0) {
            return null;
        }
        Scan in = new Scan(t);
        List<Stage> out = new ArrayList<>(6);
        try {
            in.expect('[');
            if (in.peek() == ']') {
                in.i++;
            } else {
                do {
                    in.expect('[');
                    in.string(false); // span id
                    in.expect(',');
                    String parent = in.string(true);
                    in.expect(',');
                    String name = in.string(true);
                    in.expect(',');
                    long start = in.number();
                    in.expect(',');
                    long end = in.number();
                    in.expect(',');
                    boolean team = in.number() == 1;
                    if (in.peek() == ',') {
                        in.i++;
                        in.string(false); // kind (client); its attributes are the root's, by index
                        in.expect(',');
                        in.expect('[');
                        if (in.peek() != ']') {
                            do {
                                in.number();
                            } while (in.comma());
                        }
                        in.expect(']');
                    }
                    in.expect(']');
                    out.add(new Stage(name, parent != null, root.startNanos() + start, root.startNanos() + end, team));
                } while (in.comma());
                in.expect(']');
            }
            if (in.i != t.length()) {
                return null;
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
        return out;
    }

    /** A cursor over a stages text (no whitespace, no escapes: checked by the caller). */
    private static final class Scan {
        final String t;
        int i;

        Scan(String t) {
            this.t = t;
        }

        char peek() {
            return t.charAt(i);
        }

        void expect(char c) {
            if (t.charAt(i++) != c) {
                throw new IllegalArgumentException();
            }
        }

        boolean comma() {
            if (i < t.length() && t.charAt(i) == ',') {
                i++;
                return true;
            }
            return false;
        }

        String string(boolean orNull) {
            if (orNull && t.startsWith("null", i)) {
                i += 4;
                return null;
            }
            expect('"');
            int end = t.indexOf('"', i);
            if (end < 0) {
                throw new IllegalArgumentException();
            }
            String s = t.substring(i, end);
            i = end + 1;
            return s;
        }

        long number() {
            int from = i;
            if (i < t.length() && t.charAt(i) == '-') {
                i++;
            }
            while (i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
            }
            if (i == from || (i == from + 1 && t.charAt(from) == '-')) {
                throw new IllegalArgumentException();
            }
            return Long.parseLong(t, from, i, 10);
        }
    }

    /** Appends the spans folded into this root's row. A text this class cannot read is logged and skipped. */
    private static void addStages(SpanRecord root, List<SpanRecord> out, boolean withAttributes) {
        String teamAttributes = root.team() == null ? null : teamAttributes(root.team());
        int before = out.size();
        String[] rootAttributes = null;
        try (JsonParser p = JSON.createParser(root.stages())) {
            expect(p.nextToken(), JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_ARRAY) {
                String spanId = text(p);
                String parent = text(p);
                String name = text(p);
                long start = number(p);
                long end = number(p);
                boolean team = number(p) == 1;
                JsonToken next = p.nextToken();
                if (next == JsonToken.VALUE_STRING) {
                    String kind = p.getText();
                    expect(p.nextToken(), JsonToken.START_ARRAY);
                    StringBuilder attributes = withAttributes ? new StringBuilder(root.attributes() == null ? 16
                            : root.attributes().length() / 2).append('{') : null;
                    while (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
                        if (attributes != null) {
                            if (rootAttributes == null) {
                                rootAttributes = members(root.attributes());
                            }
                            attributes.append(attributes.length() > 1 ? "," : "").append(rootAttributes[p.getIntValue()]);
                        }
                    }
                    expect(p.currentToken(), JsonToken.END_ARRAY);
                    expect(p.nextToken(), JsonToken.END_ARRAY);
                    out.add(new SpanRecord(root.traceId(), spanId, parent, name, kind, root.startNanos() + start,
                            root.startNanos() + end, "unset", null, root.service(), null, null, null,
                            attributes == null || attributes.length() == 1 ? null : attributes.append('}').toString(),
                            null, team ? root.team() : null));
                    continue;
                }
                expect(next, JsonToken.END_ARRAY);
                out.add(new SpanRecord(root.traceId(), spanId, parent, name, "internal", root.startNanos() + start,
                        root.startNanos() + end, "unset", null, root.service(), null, null, null,
                        team ? teamAttributes : null, null, team ? root.team() : null));
            }
        } catch (IOException | RuntimeException e) {
            out.subList(before, out.size()).clear();
            LOG.warn("the stage spans stored with span {} of trace {} cannot be read, skipped: {}", root.spanId(),
                    root.traceId(), e.getMessage());
        }
    }

    /**
     * The members of a JSON object's text, each as its text ({@code "key":value}), in order: a scan of strings and
     * brackets (the text is a gateway root's attributes, as {@code SpanRows} writes them: no whitespace).
     */
    static String[] members(String object) {
        if (object == null || object.length() < 2 || object.charAt(0) != '{' || object.charAt(object.length() - 1) != '}') {
            throw new IllegalArgumentException("the root's attributes are not a JSON object");
        }
        List<String> out = new ArrayList<>(32);
        int depth = 0;
        boolean inString = false;
        int from = 1;
        int last = object.length() - 1;
        for (int i = 1; i < last; i++) {
            char c = object.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(object.substring(from, i));
                from = i + 1;
            }
        }
        if (last > from) {
            out.add(object.substring(from, last));
        }
        return out.toArray(String[]::new);
    }

    /** {@code {"sluice.team":"..."}}, as the tracer writes a span's attributes (Jackson's escaping). */
    static String teamAttributes(String team) {
        StringWriter w = new StringWriter(team.length() + 20);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField(TEAM_ATTRIBUTE, team);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    private static String text(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.VALUE_STRING);
        return p.getText();
    }

    private static long number(JsonParser p) throws IOException {
        expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
        return p.getLongValue();
    }

    private static void expect(JsonToken got, JsonToken wanted) {
        if (got != wanted) {
            throw new IllegalArgumentException("expected " + wanted + ", found " + got);
        }
    }
}
