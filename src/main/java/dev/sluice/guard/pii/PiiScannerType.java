package dev.sluice.guard.pii;

import dev.sluice.config.NamedPattern;
import dev.sluice.config.OptionsSchema;
import dev.sluice.config.YamlNode;
import dev.sluice.guard.ScannerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code pii}: which entities, the phone regions, custom patterns. */
public final class PiiScannerType {
    private PiiScannerType() {}

    /** Every built-in entity, the default. */
    public static final List<String> ENTITIES = List.of("email", "phone", "credit_card", "iban", "us_ssn", "ip_address");
    private static final Pattern REGION = Pattern.compile("[A-Z]{2}");

    public record Options(List<String> entities, List<String> phoneRegions, List<NamedPattern> custom) {}

    public static final ScannerType<Options> TYPE = ScannerType.of("pii",
                    new OptionsSchema<>(Options.class, Set.of("entities", "phone_regions", "custom"), PiiScannerType::read),
                    (options, resources) -> PiiScanner.of(options.entities(), options.phoneRegions(),
                            options.custom().stream().map(p -> (Detector) new PatternDetector(p.name(), p.pattern())).toList()))
            .redacting()
            .blocks(types -> "personal data found: " + types);

    private static Options read(YamlNode node) {
        List<String> entities = node.get("entities") == null ? ENTITIES : node.subset("entities", ENTITIES, "type");
        List<String> regions = PhoneDetector.DEFAULT_REGIONS;
        if (node.get("phone_regions") != null) {
            regions = new ArrayList<>();
            for (String region : node.strings("phone_regions")) {
                String upper = region.strip().toUpperCase(Locale.ROOT);
                if (!REGION.matcher(upper).matches()) {
                    throw node.get("phone_regions").error("'" + region + "' is not a region code",
                            "use ISO 3166 codes like US, GB, DE");
                }
                regions.add(upper);
            }
        }
        return new Options(entities, List.copyOf(regions), node.namedPatterns("custom"));
    }
}
