package dev.sluice.config;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where a running gateway's config comes from, so a reload can read it again: a file (re-read with
 * its {@code ${env:}} and {@code ${file:}} references, so rotated secret files are picked up), or
 * the built-in demo config. Command-line overrides (e.g. {@code --port}) are applied to every load.
 */
public interface ConfigSource {
    /** Reads and validates the config again. @throws ConfigException listing every problem found */
    SluiceConfig load();

    /** The file, or null for the built-in demo config. */
    Path file();

    static ConfigSource file(ConfigLoader loader, Path file, UnaryOperator<SluiceConfig> overrides) {
        return new ConfigSource() {
            @Override
            public SluiceConfig load() {
                return overrides.apply(loader.load(file));
            }

            @Override
            public Path file() {
                return file;
            }
        };
    }

    static ConfigSource demo(ConfigLoader loader, UnaryOperator<SluiceConfig> overrides) {
        return new ConfigSource() {
            @Override
            public SluiceConfig load() {
                return overrides.apply(loader.loadDemo());
            }

            @Override
            public Path file() {
                return null;
            }
        };
    }
}
