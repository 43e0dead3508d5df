package dev.sluice.guard.secrets;

import dev.sluice.config.NamedPattern;
import dev.sluice.config.OptionsSchema;
import dev.sluice.guard.ScannerType;
import java.util.List;
import java.util.Set;

/** {@code secrets}: which built-in credential types (all when none are named), custom patterns. */
public final class SecretsScannerType {
    private SecretsScannerType() {}

    public record Options(List<String> types, List<NamedPattern> custom) {}

    public static final ScannerType<Options> TYPE = ScannerType.of("secrets",
                    new OptionsSchema<>(Options.class, Set.of("types", "custom"),
                            node -> new Options(node.subset("types", SecretsScanner.types(), "type"),
                                    node.namedPatterns("custom"))),
                    (options, resources) -> SecretsScanner.of(options.types(),
                            options.custom().stream().map(p -> new String[] {p.name(), p.pattern()}).toList()))
            .redacting()
            .blocks(types -> "credentials found: " + types);
}
