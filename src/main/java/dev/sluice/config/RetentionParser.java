package dev.sluice.config;

import java.util.Set;

/** Reads the {@code retention:} section: how long each kind of record is kept. */
final class RetentionParser {
    private RetentionParser() {}

    static RetentionConfig parse(YamlNode node) {
        RetentionConfig d = RetentionConfig.DEFAULTS;
        if (node == null) {
            return d;
        }
        node.allowOnly(Set.of("request_log", "spans", "bodies", "audit", "feedback", "interval", "eval_runs"));
        return new RetentionConfig(node.duration("request_log", d.requestLog()), node.duration("spans", d.spans()),
                node.duration("bodies", d.bodies()), node.duration("audit", d.audit()),
                node.duration("feedback", d.feedback()), node.duration("interval", d.interval()),
                node.duration("eval_runs", d.evalRuns()));
    }
}
