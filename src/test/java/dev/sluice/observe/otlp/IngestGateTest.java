package dev.sluice.observe.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sluice.config.TracingConfig;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Ingest gate: decode slots, per-key span allowance, spans counted on the wire")
class IngestGateTest {
    @Test
    @DisplayName("only parallel_decodes requests decode at once; the next is refused after a short wait, and gets a slot once one is left")
    void decodeSlots() {
        IngestGate gate = new IngestGate(new TracingConfig.Ingest(10, 100, 2));
        assertThat(gate.enterDecode()).isTrue();
        assertThat(gate.enterDecode()).isTrue();
        assertThat(gate.enterDecode()).isFalse();
        gate.leaveDecode();
        assertThat(gate.enterDecode()).isTrue();
    }

    @Test
    @DisplayName("a key's allowance refills continuously at spans_per_minute; the wait for a refused batch is in whole seconds")
    void allowance() {
        AtomicLong now = new AtomicLong(0);
        IngestGate gate = new IngestGate(new TracingConfig.Ingest(100, 600, 2), now::get);
        assertThat(gate.take("k", 600)).isZero();
        assertThat(gate.take("k", 60)).isEqualTo(6); // 10 spans a second
        assertThat(gate.take("other", 600)).isZero();
        now.addAndGet(TimeUnit.SECONDS.toNanos(6));
        assertThat(gate.take("k", 60)).isZero();
        assertThat(gate.take("k", 1)).isEqualTo(1);
    }

    @Test
    @DisplayName("the wire count equals the decoded count across resources and scopes, and stops past the limit")
    void wireCount() throws Exception {
        Span s = Span.newBuilder().setName("x").setSpanId(ByteString.copyFrom(new byte[8])).build();
        ExportTraceServiceRequest r = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .addScopeSpans(ScopeSpans.newBuilder().addSpans(s).addSpans(s))
                        .addScopeSpans(ScopeSpans.newBuilder().addSpans(s)))
                .addResourceSpans(ResourceSpans.newBuilder().setSchemaUrl("u")
                        .addScopeSpans(ScopeSpans.newBuilder().addSpans(s).setSchemaUrl("v")))
                .build();
        assertThat(SpanCount.protobuf(r.toByteArray(), 100)).isEqualTo(4).isEqualTo(SpanCount.of(r));
        assertThat(SpanCount.protobuf(r.toByteArray(), 2)).isEqualTo(3);
        assertThat(SpanCount.protobuf(new byte[0], 2)).isZero();
    }
}
