package dev.sluice.server;

import dev.sluice.pipeline.Pipeline;
import java.util.List;

/**
 * Where API requests get their pipeline. A config reload puts a new pipeline in place for the
 * requests that start after it; a request keeps the one it started with (its lease) until its
 * response is complete, streams included, and the old pipeline's parts are closed once the last
 * such request let go.
 */
public interface PipelineSource {
    /** The current pipeline, held until the lease is closed. */
    Lease acquire();

    /** One request's hold on a config generation. */
    interface Lease extends AutoCloseable {
        Pipeline pipeline();

        /** The public model names of that config, in config order. */
        List<String> modelNames();

        /** Lets go (once; later calls do nothing). */
        @Override
        void close();
    }

    /** A pipeline that never changes (tests, tools). */
    static PipelineSource fixed(Pipeline pipeline, List<String> modelNames) {
        List<String> names = List.copyOf(modelNames);
        Lease lease = new Lease() {
            @Override
            public Pipeline pipeline() {
                return pipeline;
            }

            @Override
            public List<String> modelNames() {
                return names;
            }

            @Override
            public void close() {}
        };
        return () -> lease;
    }
}
