package dev.sluice.store;

import dev.sluice.config.RedisConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;

/**
 * The one connection to the shared Redis. Lettuce multiplexes every command of every thread over
 * it, so the sync API is safe from any number of virtual threads. Connects lazily and reconnects
 * on its own; callers treat a command failure as "Redis is down" and fall back per config.
 */
public final class Redis implements AutoCloseable {
    private final RedisConfig config;
    private final RedisClient client;
    private volatile StatefulRedisConnection<String, String> connection;

    public Redis(RedisConfig config) {
        this.config = config;
        RedisURI uri = RedisURI.create(config.url());
        uri.setTimeout(config.timeout());
        this.client = RedisClient.create(uri);
    }

    public RedisConfig config() {
        return config;
    }

    /** Whether the connection is up now (commands sent while it is down would queue in memory). */
    public boolean connected() {
        StatefulRedisConnection<String, String> c = connection;
        return c != null && c.isOpen();
    }

    /** Asynchronous commands, for writes no request waits for. */
    public io.lettuce.core.api.async.RedisAsyncCommands<String, String> async() {
        return connection().async();
    }

    /** Synchronous commands; throws a Lettuce RedisException when Redis is unreachable. */
    public RedisCommands<String, String> sync() {
        return connection().sync();
    }

    private StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            synchronized (this) {
                c = connection;
                if (c == null) {
                    c = client.connect(StringCodec.UTF8);
                    connection = c;
                }
            }
        }
        return c;
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown();
    }
}
