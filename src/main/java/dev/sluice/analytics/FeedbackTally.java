package dev.sluice.analytics;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.store.StatsReader;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The feedback on one group's requests: in total and per feedback name, the same figures as
 * {@code GET /admin/feedback/summary} ({@code count}, {@code positive}, {@code negative}, their rates
 * over thumbs and boolean feedback, {@code scored} and the {@code mean} of numeric scores).
 */
final class FeedbackTally {
    /** Feedback names are client strings: past this many per group, the rest fold into "other". */
    static final int MAX_NAMES = 50;

    private final Figures total = new Figures();
    private final Map<String, Figures> byName = new TreeMap<>();

    void add(StatsReader.FeedbackRow f) {
        total.add(f);
        String name = byName.containsKey(f.name()) || byName.size() < MAX_NAMES ? f.name() : "other";
        byName.computeIfAbsent(name, n -> new Figures()).add(f);
    }

    /** Writes {@code {count, positive, ..., by_name: {name: {...}}}}; zeros and nulls when there is none. */
    void write(JsonGenerator gen) throws IOException {
        gen.writeStartObject();
        total.fields(gen);
        gen.writeObjectFieldStart("by_name");
        for (Map.Entry<String, Figures> e : byName.entrySet()) {
            gen.writeObjectFieldStart(e.getKey());
            e.getValue().fields(gen);
            gen.writeEndObject();
        }
        gen.writeEndObject();
        gen.writeEndObject();
    }

    private static final class Figures {
        long count;
        long rated;
        long positive;
        long negative;
        long scored;
        double scoreSum;

        void add(StatsReader.FeedbackRow f) {
            count++;
            if ("thumbs".equals(f.kind()) || "boolean".equals(f.kind())) {
                rated++;
            }
            if ("positive".equals(f.sentiment())) {
                positive++;
            } else if ("negative".equals(f.sentiment())) {
                negative++;
            }
            if ("number".equals(f.kind()) && f.value() != null) {
                scored++;
                scoreSum += f.value();
            }
        }

        void fields(JsonGenerator gen) throws IOException {
            gen.writeNumberField("count", count);
            gen.writeNumberField("positive", positive);
            gen.writeNumberField("negative", negative);
            rate(gen, "positive_rate", positive, rated);
            rate(gen, "negative_rate", negative, rated);
            gen.writeNumberField("scored", scored);
            if (scored == 0) {
                gen.writeNullField("mean");
            } else {
                gen.writeNumberField("mean", Math.round(scoreSum / scored * 1e6) / 1e6);
            }
        }

        private static void rate(JsonGenerator gen, String field, long part, long whole) throws IOException {
            if (whole == 0) {
                gen.writeNullField(field);
            } else {
                gen.writeNumberField(field, Math.round(part * 1e6 / whole) / 1e6);
            }
        }
    }
}
