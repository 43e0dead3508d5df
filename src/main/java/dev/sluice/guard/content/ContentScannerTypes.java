package dev.sluice.guard.content;

import dev.sluice.config.NoOptions;
import dev.sluice.config.OptionsSchema;
import dev.sluice.config.YamlNode;
import dev.sluice.guard.Direction;
import dev.sluice.guard.ScannerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The content scanners: {@code invisible_text}, {@code limits}, {@code banned}, {@code urls}. */
public final class ContentScannerTypes {
    private ContentScannerTypes() {}

    public static final ScannerType<NoOptions> INVISIBLE_TEXT = ScannerType.of("invisible_text", OptionsSchema.none(),
                    (options, resources) -> new InvisibleTextScanner())
            .redacting()
            .blocks(types -> "hidden characters: " + types);

    /**
     * @param maxChars       0 for no length limit
     * @param allowedScripts Unicode script names; empty allows every script
     */
    public record LimitsOptions(int maxChars, List<String> allowedScripts) {}

    public static final ScannerType<LimitsOptions> LIMITS = ScannerType.of("limits",
                    new OptionsSchema<>(LimitsOptions.class, Set.of("max_chars", "scripts"),
                            node -> new LimitsOptions(node.integer("max_chars", 0, 1, Integer.MAX_VALUE), scripts(node))),
                    (options, resources) -> new LimitsScanner(options.maxChars(), options.allowedScripts()))
            .on(Direction.INPUT)
            .blocks(types -> "limit exceeded: " + types);

    /** @param topicThreshold similarity from which a text is about a banned topic */
    public record BannedOptions(List<String> phrases, List<String> patterns, List<String> topics, double topicThreshold) {}

    public static final ScannerType<BannedOptions> BANNED = ScannerType.of("banned",
                    new OptionsSchema<>(BannedOptions.class, Set.of("phrases", "patterns", "topics", "topic_threshold"),
                            node -> new BannedOptions(node.strings("phrases"), node.regexes("patterns"),
                                    node.strings("topics"), node.number("topic_threshold", 0.6, 0, 1))),
                    (options, resources) -> new BannedScanner(options.phrases(), options.patterns(), options.topics(),
                            options.topicThreshold(), resources.embedder()))
            .redacting()
            .threshold(0.6)
            .blocks(types -> "banned content");

    /** @param allow hosts links may point at (their subdomains too) */
    public record UrlOptions(List<String> allow) {}

    public static final ScannerType<UrlOptions> URLS = ScannerType.of("urls",
                    new OptionsSchema<>(UrlOptions.class, Set.of("allow"), node -> new UrlOptions(node.strings("allow"))),
                    (options, resources) -> new UrlScanner(options.allow()))
            .redacting()
            .blocks(types -> "links to hosts that are not allowed");

    private static List<String> scripts(YamlNode node) {
        List<String> scripts = new ArrayList<>();
        for (String script : node.strings("scripts")) {
            try {
                scripts.add(Character.UnicodeScript.forName(script.strip()).name());
            } catch (IllegalArgumentException e) {
                throw node.get("scripts").error("'" + script + "' is not a Unicode script",
                        "use names like Latin, Cyrillic, Han, Arabic");
            }
        }
        return scripts;
    }
}
