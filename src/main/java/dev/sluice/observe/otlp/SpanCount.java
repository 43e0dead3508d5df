package dev.sluice.observe.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;

/**
 * Counts the spans of an export request without decoding it. A 20 MB protobuf can hold hundreds of
 * thousands of spans, and decoding it into the generated classes (then converting) costs several
 * times its size in memory; walking the wire format only reads the lengths, allocating nothing, so
 * the span limits can refuse a request before any of that happens.
 */
public final class SpanCount {
    // ExportTraceServiceRequest.resource_spans = 1; ResourceSpans.scope_spans = 2; ScopeSpans.spans = 2
    private static final int RESOURCE_SPANS = 1;
    private static final int SCOPE_SPANS = 2;
    private static final int SPANS = 2;

    private SpanCount() {}

    /**
     * The spans of an encoded {@code ExportTraceServiceRequest}; stops counting past {@code stopAbove}
     * (the answer is then {@code stopAbove + 1}).
     *
     * @throws InvalidProtocolBufferException when the bytes are not a well-formed message
     */
    public static long protobuf(byte[] body, long stopAbove) throws InvalidProtocolBufferException {
        try {
            CodedInputStream in = CodedInputStream.newInstance(body);
            long count = 0;
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) != RESOURCE_SPANS || !lengthDelimited(tag)) {
                    in.skipField(tag);
                    continue;
                }
                int resourceEnd = in.pushLimit(in.readRawVarint32());
                while ((tag = in.readTag()) != 0) {
                    if (WireFormat.getTagFieldNumber(tag) != SCOPE_SPANS || !lengthDelimited(tag)) {
                        in.skipField(tag);
                        continue;
                    }
                    int scopeEnd = in.pushLimit(in.readRawVarint32());
                    while ((tag = in.readTag()) != 0) {
                        if (WireFormat.getTagFieldNumber(tag) == SPANS && lengthDelimited(tag)) {
                            count++;
                            if (count > stopAbove) {
                                return count;
                            }
                        }
                        in.skipField(tag);
                    }
                    in.popLimit(scopeEnd);
                }
                in.popLimit(resourceEnd);
            }
            return count;
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
    }

    /** The spans of a decoded request. */
    public static long of(ExportTraceServiceRequest request) {
        long count = 0;
        for (ResourceSpans rs : request.getResourceSpansList()) {
            for (var ss : rs.getScopeSpansList()) {
                count += ss.getSpansCount();
            }
        }
        return count;
    }

    private static boolean lengthDelimited(int tag) {
        return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }
}
