package dev.sluice.server.helidon;

import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Accepts gzip request bodies ({@code Content-Encoding: gzip}, what OTLP exporters send when
 * compression is on) and never compresses responses: SSE streams must leave chunk by chunk.
 * Bodies are inflated as they are read, so the body size limit applies to the inflated size and a
 * small "gzip bomb" cannot fill memory; a body that does not inflate fails the read (a 400).
 */
final class GzipDecoding implements ContentEncoding {
    @Override
    public Set<String> ids() {
        return Set.of("gzip", "x-gzip");
    }

    @Override
    public boolean supportsEncoding() {
        return false;
    }

    @Override
    public boolean supportsDecoding() {
        return true;
    }

    @Override
    public ContentDecoder decoder() {
        return LazyGzip::new;
    }

    @Override
    public ContentEncoder encoder() {
        return ContentEncoder.NO_OP;
    }

    @Override
    public String name() {
        return "gzip";
    }

    @Override
    public String type() {
        return "gzip";
    }

    /** Reads the gzip header on first read, so a bad header surfaces as an IOException of the read. */
    private static final class LazyGzip extends InputStream {
        private final InputStream raw;
        private InputStream in;

        LazyGzip(InputStream raw) {
            this.raw = raw;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                in = new GZIPInputStream(raw, 8192);
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in().read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            } else {
                raw.close();
            }
        }
    }
}
