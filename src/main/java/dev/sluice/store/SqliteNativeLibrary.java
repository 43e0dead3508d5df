package dev.sluice.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;
import org.sqlite.util.OSInfo;

/**
 * Lets sqlite-jdbc load its native library from a copy kept between runs. Left to itself, sqlite-jdbc
 * works out the platform (its {@code OSInfo} probes the C library and the distribution), inflates its
 * ~1 MB library from the jar into {@code java.io.tmpdir} under a new name, reads both back to compare them,
 * and deletes the copy at exit — ~0.1–0.3 s of every start on the 2-core bench machine. Here that happens
 * once per sqlite-jdbc version and platform ({@code os.name}, {@code os.arch}): the copy goes to the user's
 * cache directory, and later starts point sqlite-jdbc at it ({@code org.sqlite.lib.path}), which then
 * loads it directly. If that load fails (a copy made by another C library on a shared home, say),
 * sqlite-jdbc falls back to its own extraction, so the worst case is today's behaviour. Nothing is done
 * when the user set {@code org.sqlite.lib.path} or there is no writable cache directory.
 */
final class SqliteNativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNativeLibrary.class);
    private static final String PATH_PROPERTY = "org.sqlite.lib.path";
    private static final String NAME_PROPERTY = "org.sqlite.lib.name";

    private SqliteNativeLibrary() {}

    /** Before the first SQLite connection: points sqlite-jdbc at the kept copy, making it first if needed. */
    static synchronized void prepare() {
        if (System.getProperty(PATH_PROPERTY) != null) {
            return;
        }
        Path dir = cacheDir();
        if (dir == null) {
            return;
        }
        String name = LibraryLoaderUtil.getNativeLibName();
        Path kept = dir.resolve(name);
        try {
            if (!Files.isRegularFile(kept)) {
                keep(kept, name);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("sqlite native library not kept in {}: {}", dir, e.toString());
            return;
        }
        System.setProperty(PATH_PROPERTY, dir.toString());
        System.setProperty(NAME_PROPERTY, name);
    }

    /** Copies the library sqlite-jdbc would extract for this platform to {@code kept}, atomically. */
    private static void keep(Path kept, String name) throws IOException {
        String resource = "/org/sqlite/native/" + OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + name;
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no " + resource + " in sqlite-jdbc");
            }
            Files.createDirectories(kept.getParent());
            Path tmp = Files.createTempFile(kept.getParent(), name, ".tmp");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, kept, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** {@code $XDG_CACHE_HOME/sluice/sqlite-jdbc-<version>-<os>-<arch>} (else under ~/.cache), or null. */
    private static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        String home = System.getProperty("user.home");
        Path base;
        if (xdg != null && !xdg.isBlank()) {
            base = Path.of(xdg);
        } else if (home != null && !home.isBlank() && !home.equals("?")) {
            base = Path.of(home, ".cache");
        } else {
            return null;
        }
        String platform = (System.getProperty("os.name") + "-" + System.getProperty("os.arch"))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "_");
        return base.resolve("sluice").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + "-" + platform);
    }
}
