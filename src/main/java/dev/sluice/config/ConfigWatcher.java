package dev.sluice.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code server.config_watch: true}: watches the config file and the secret files its
 * {@code ${file:...}} references name, and calls {@code onChange} once their content changed and
 * then stayed quiet for the debounce time (an editor's save, or Kubernetes swapping a ConfigMap's
 * or Secret's {@code ..data} symlink, is several file events). Events are only a hint: the files'
 * content is compared with what was last seen, so touching a file reloads nothing. One virtual thread.
 */
public final class ConfigWatcher implements AutoCloseable {
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
    private static final Pattern FILE_REF = Pattern.compile("\\$\\{file:([^}]+)}");

    private final Path config;
    private final Duration debounce;
    private final Runnable onChange;
    private final WatchService watcher;
    private final Thread thread;
    private volatile List<Path> files;
    private byte[] seen;

    private ConfigWatcher(Path config, Duration debounce, Runnable onChange) throws IOException {
        this.config = config.toAbsolutePath();
        this.debounce = debounce;
        this.onChange = onChange;
        this.watcher = FileSystems.getDefault().newWatchService();
        this.files = watched(this.config);
        this.seen = fingerprint(files);
        register(files);
        this.thread = Thread.ofVirtual().name("sluice-config-watch").start(this::run);
    }

    /**
     * Starts watching; {@code onChange} runs on the watcher's thread (one call at a time).
     *
     * @throws ConfigException when the file system cannot watch the config's directory
     */
    public static ConfigWatcher start(Path config, Duration debounce, Runnable onChange) {
        try {
            return new ConfigWatcher(config, debounce, onChange);
        } catch (IOException e) {
            throw new ConfigException(config + ": server.config_watch cannot watch this file (" + e.getMessage()
                    + "). Fix: turn config_watch off and reload with SIGHUP or POST /admin/config/reload");
        }
    }

    /** The config file and the secret files it names with {@code ${file:...}} (relative to the config's directory). */
    static List<Path> watched(Path config) {
        Set<Path> out = new LinkedHashSet<>();
        out.add(config);
        try {
            Matcher m = FILE_REF.matcher(Files.readString(config));
            while (m.find()) {
                out.add(config.getParent().resolve(m.group(1).strip()).toAbsolutePath().normalize());
            }
        } catch (IOException | RuntimeException e) {
            // unreadable now: the next event re-reads it
        }
        return List.copyOf(out);
    }

    private void register(List<Path> paths) throws IOException {
        Set<Path> dirs = new LinkedHashSet<>();
        paths.forEach(p -> dirs.add(p.getParent()));
        for (Path dir : dirs) {
            if (Files.isDirectory(dir)) {
                dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void run() {
        try {
            while (true) {
                drain(watcher.take());
                // debounce: wait until the directories stay quiet, then look at the content
                WatchKey more = watcher.poll(debounce.toMillis(), TimeUnit.MILLISECONDS);
                while (more != null) {
                    drain(more);
                    more = watcher.poll(debounce.toMillis(), TimeUnit.MILLISECONDS);
                }
                List<Path> now = watched(config);
                byte[] print = fingerprint(now);
                if (!now.equals(files)) {
                    register(now);
                    files = now;
                }
                if (Arrays.equals(print, seen)) {
                    continue;
                }
                seen = print;
                try {
                    onChange.run();
                } catch (RuntimeException e) {
                    LOG.warn("reloading after a change of {} failed: {}", config, e.toString());
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        } catch (IOException e) {
            LOG.warn("the config watch stopped: {}", e.toString());
        }
    }

    /** Consumes a directory's events and re-arms its key for the next ones. */
    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    /** A digest of the files' content (a missing file counts as its own state). */
    private static byte[] fingerprint(List<Path> paths) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Path p : paths) {
                d.update(p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try {
                    d.update(Files.readAllBytes(p));
                } catch (IOException e) {
                    d.update((byte) 0);
                }
                d.update((byte) '\n');
            }
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            // closing
        }
        thread.interrupt();
    }

    List<Path> files() {
        return new ArrayList<>(files);
    }
}
