package dev.sluice.observe;

import dev.sluice.api.Json;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JSON of one ended span's attributes, written on the request's thread for its store row
 * ({@link StoreSpanProcessor#json}): the root span of a plain chat request with its 17 GenAI
 * attributes. {@code impl=generator} is today's code (attributes streamed to JSON);
 * {@code impl=map} is the code before 2026-12-06 (a LinkedHashMap of the attributes serialised by
 * databind), kept here to compare in the same run. Lives in {@code dev.sluice.observe} because the
 * processor is package-private.
 *
 * <p>Run: {@code bench/run jmh SpanRecordBench -prof gc}
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class SpanRecordBench {
    @Param({"generator", "map"})
    public String impl;

    private SpanData root;

    @Setup
    public void setup() {
        SpanData[] captured = new SpanData[1];
        SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(new SpanProcessor() {
            @Override
            public void onStart(Context parentContext, ReadWriteSpan span) {}

            @Override
            public boolean isStartRequired() {
                return false;
            }

            @Override
            public void onEnd(ReadableSpan span) {
                captured[0] = span.toSpanData();
            }

            @Override
            public boolean isEndRequired() {
                return true;
            }
        }).build();
        Span span = provider.get("bench").spanBuilder("chat gpt-4o-mini").setSpanKind(SpanKind.SERVER).startSpan();
        span.setAttribute("sluice.key.id", "key_5fbp0h639r");
        span.setAttribute(GenAi.OPERATION, "chat");
        span.setAttribute(GenAi.REQUEST_MODEL, "gpt-4o-mini");
        span.setAttribute(GenAi.STREAM, false);
        span.setAttribute(GenAi.REQUEST_TEMPERATURE, 0.0);
        span.setAttribute(GenAi.OUTPUT_TYPE, "text");
        span.setAttribute(GenAi.REQUEST_ID, "req_daf96bc496ad03cbffffffffd378b21e");
        span.setAttribute(GenAi.HTTP_STATUS, 200L);
        span.setAttribute(GenAi.PROVIDER, "sim");
        span.setAttribute(GenAi.RESPONSE_MODEL, "gpt-4o-mini");
        span.setAttribute(GenAi.RESPONSE_ID, "chatcmpl-N3vrwI1NyoTem639zUXSL8Cp");
        span.setAttribute(GenAi.FINISH_REASONS, List.of("stop"));
        span.setAttribute(GenAi.INPUT_TOKENS, 21L);
        span.setAttribute(GenAi.OUTPUT_TOKENS, 16L);
        span.setAttribute(GenAi.COST, 1.275E-5);
        span.setAttribute(GenAi.ATTEMPTS, 1L);
        span.setAttribute(GenAi.TTFT_MS, 1L);
        span.end();
        root = captured[0];
        provider.close();
        if (!mapJson(root.getAttributes()).equals(StoreSpanProcessor.json(root.getAttributes()))) {
            throw new IllegalStateException("the two implementations disagree:\n" + mapJson(root.getAttributes())
                    + "\n" + StoreSpanProcessor.json(root.getAttributes()));
        }
    }

    @Benchmark
    public Object attributesJson() {
        return impl.equals("map") ? mapJson(root.getAttributes()) : StoreSpanProcessor.json(root.getAttributes());
    }

    /** The attributes' JSON as it was written before: a map of them, serialised by databind. */
    static String mapJson(Attributes attributes) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        attributes.forEach((k, v) -> map.put(k.getKey(), v));
        return Json.string(map);
    }

}
