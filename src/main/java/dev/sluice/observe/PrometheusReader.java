package dev.sluice.observe;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A pull {@link MetricReader}: on every scrape it collects the OpenTelemetry instruments
 * (cumulative) and hands them to the official Prometheus client's text writer. Names follow the
 * OpenTelemetry-to-Prometheus rules: dots become underscores, the unit {@code s} becomes a
 * {@code _seconds} suffix, counters get {@code _total}, attribute keys become label names with
 * underscores ({@code gen_ai.request.model} → {@code gen_ai_request_model}).
 */
public final class PrometheusReader implements MetricReader {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private static final Pattern ILLEGAL = Pattern.compile("[^a-zA-Z0-9_:]");
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration newRegistration) {
        this.registration = newRegistration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        registration = CollectionRegistration.noop();
        return CompletableResultCode.ofSuccess();
    }

    /** Collects every instrument now and writes the Prometheus text format. */
    public void scrape(OutputStream out) throws IOException {
        WRITER.write(out, snapshots(registration.collectAllMetrics()), EscapingScheme.UNDERSCORE_ESCAPING);
    }

    static MetricSnapshots snapshots(Collection<MetricData> metrics) {
        // instruments of the same Prometheus name (e.g. from two scopes) become one family
        Map<String, List<MetricData>> byName = new LinkedHashMap<>();
        for (MetricData m : metrics) {
            byName.computeIfAbsent(name(m), n -> new ArrayList<>()).add(m);
        }
        List<MetricSnapshot> out = new ArrayList<>(byName.size());
        for (Map.Entry<String, List<MetricData>> e : byName.entrySet()) {
            MetricSnapshot s = snapshot(e.getKey(), e.getValue());
            if (s != null) {
                out.add(s);
            }
        }
        return new MetricSnapshots(out);
    }

    private static MetricSnapshot snapshot(String name, List<MetricData> family) {
        MetricData first = family.getFirst();
        String help = first.getDescription();
        switch (first.getType()) {
            case LONG_SUM, DOUBLE_SUM -> {
                if (((SumData<?>) first.getData()).isMonotonic()) {
                    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
                    for (MetricData m : family) {
                        for (PointData p : m.getData().getPoints()) {
                            b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels(p.getAttributes()))
                                    .value(value(p)).build());
                        }
                    }
                    return b.build();
                }
                return gauge(name, help, family);
            }
            case LONG_GAUGE, DOUBLE_GAUGE -> {
                return gauge(name, help, family);
            }
            case HISTOGRAM -> {
                HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(help);
                for (MetricData m : family) {
                    for (HistogramPointData p : m.getHistogramData().getPoints()) {
                        List<Double> bounds = new ArrayList<>(p.getBoundaries());
                        bounds.add(Double.POSITIVE_INFINITY);
                        b.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                                .labels(labels(p.getAttributes()))
                                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, p.getCounts()))
                                .sum(p.getSum()).build());
                    }
                }
                return b.build();
            }
            default -> {
                return null; // exponential histograms and summaries are not used by Sluice
            }
        }
    }

    private static GaugeSnapshot gauge(String name, String help, List<MetricData> family) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (MetricData m : family) {
            for (PointData p : m.getData().getPoints()) {
                b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels(p.getAttributes()))
                        .value(value(p)).build());
            }
        }
        return b.build();
    }

    private static double value(PointData p) {
        return p instanceof LongPointData l ? l.getValue() : ((DoublePointData) p).getValue();
    }

    private static Labels labels(Attributes attributes) {
        if (attributes.isEmpty()) {
            return Labels.EMPTY;
        }
        List<String> names = new ArrayList<>(attributes.size());
        List<String> values = new ArrayList<>(attributes.size());
        attributes.forEach((AttributeKey<?> k, Object v) -> {
            names.add(ILLEGAL.matcher(k.getKey()).replaceAll("_"));
            values.add(String.valueOf(v));
        });
        return Labels.of(names, values);
    }

    /** The Prometheus name of an instrument, without the {@code _total} the writer adds to counters. */
    static String name(MetricData m) {
        String name = ILLEGAL.matcher(m.getName()).replaceAll("_");
        String suffix = switch (m.getUnit() == null ? "" : m.getUnit()) {
            case "s" -> "_seconds";
            case "ms" -> "_milliseconds";
            case "By" -> "_bytes";
            default -> "";
        };
        if (!suffix.isEmpty() && !name.endsWith(suffix)) {
            name += suffix;
        }
        if (name.endsWith("_total")) {
            name = name.substring(0, name.length() - "_total".length());
        }
        return name;
    }
}
