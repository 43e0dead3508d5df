package dev.sluice.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's static files, served from the jar ({@code /dev/sluice/ui/static/}): plain ES
 * modules, one stylesheet, no build step and nothing from another origin. Only simple names of
 * known types are looked up, so a request cannot reach any other resource of the classpath.
 */
final class Assets {
    private static final String ROOT = "/dev/sluice/ui/static/";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}\\.(js|css|svg|html)");
    private static final Pattern DIR = Pattern.compile("[a-z]{1,32}");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "html", "text/html; charset=utf-8");

    /** A file's bytes and content type. */
    record Asset(byte[] bytes, String contentType) {}

    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    /** The file {@code dir/name} ({@code dir} may be null), or empty when there is none or the name is not allowed. */
    Optional<Asset> find(String dir, String name) {
        if (name == null || !NAME.matcher(name).matches() || (dir != null && !DIR.matcher(dir).matches())) {
            return Optional.empty();
        }
        String path = ROOT + (dir == null ? "" : dir + "/") + name;
        return cache.computeIfAbsent(path, Assets::load);
    }

    private static Optional<Asset> load(String path) {
        try (InputStream in = Assets.class.getResourceAsStream(path)) {
            if (in == null) {
                return Optional.empty();
            }
            String ext = path.substring(path.lastIndexOf('.') + 1);
            return Optional.of(new Asset(in.readAllBytes(), TYPES.get(ext)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
