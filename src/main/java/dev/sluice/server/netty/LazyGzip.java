package dev.sluice.server.netty;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * A gzip request body ({@code Content-Encoding: gzip}, what OTLP exporters send when compression is
 * on), inflated as it is read, so the body size limit applies to the inflated size and a small "gzip
 * bomb" cannot fill memory. The gzip header is read on the first read, so a body that does not
 * inflate fails that read (a 400).
 */
final class LazyGzip extends InputStream {
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
