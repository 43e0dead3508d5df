package dev.sluice.app;

import dev.sluice.admin.CacheAdmin;
import dev.sluice.cache.CacheStage;
import dev.sluice.cache.Invalidation;
import dev.sluice.cache.ResponseCache;
import dev.sluice.config.SluiceConfig;
import dev.sluice.embed.Embedder;
import java.nio.file.Path;
import java.time.Clock;

/**
 * {@code cache:}: the response cache (exact, semantic, Redis) in {@link Slot#CACHE}, and
 * {@code /admin/cache} (a 409 while the cache is off).
 */
final class CacheModule implements Module {
    private final ResponseCache cache;
    private final AuthModule auth;

    CacheModule(SluiceConfig config, StoreModule store, Embedder embedder, Clock clock, AuthModule auth) {
        this.auth = auth;
        if (!config.cache().enabled()) {
            this.cache = null;
            return;
        }
        // the semantic index lives next to the store unless configured elsewhere
        Path index = null;
        if (config.cache().semantic().enabled()) {
            String path = config.cache().semantic().path();
            index = path != null ? Path.of(path) : ResponseCache.defaultIndexPath(config.store().path());
        }
        this.cache = new ResponseCache(config.cache(), store.redis(), embedder, index, clock);
        // a cached answer holds the question and answer of the end user whose request produced it
        store.erasure().addCopy("cache", user -> {
            ResponseCache.Deleted d = cache.invalidate(Invalidation.endUser(user));
            return d.memory() + d.index() + d.redis();
        });
    }

    @Override
    public String name() {
        return "cache";
    }

    @Override
    public void contribute(Contributions to) {
        if (cache != null) {
            to.stage(Slot.CACHE, new CacheStage(cache));
        }
        to.endpoints(new CacheAdmin(auth.adminGuard(), cache));
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
    }
}
