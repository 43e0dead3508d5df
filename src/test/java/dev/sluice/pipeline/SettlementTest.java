package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.SluiceException;
import dev.sluice.api.Usage;
import dev.sluice.trace.Tracer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The pipeline settles an exchange's cost once, before any completion listener reads it")
class SettlementTest {
    private static final Exchange.Pricing PER_TOKEN = (model, usage) ->
            usage == null ? 0 : (model.equals("big") ? 0.01 : 0.001) * (usage.promptTokens() + usage.completionTokens());

    private static Exchange exchange(String id) {
        return new Exchange(id, Exchange.Operation.CHAT, Map.of());
    }

    @Test
    @DisplayName("listeners registered by stages and by the caller all see the settled cost")
    void beforeListeners() {
        List<Double> seen = new ArrayList<>();
        Stage listening = (ex, next) -> {
            ex.onComplete(done -> seen.add(done.costUsd()));
            return next.proceed(ex);
        };
        Stage upstream = (ex, next) -> {
            ex.route("p", "big");
            ex.usage(Usage.of(10, 20));
            return Reply.fail(SluiceException.internal("answered", null));
        };
        Pipeline pipeline = new Pipeline(List.of(listening, upstream), Tracer.disabled(), PER_TOKEN);
        Exchange ex = exchange("settle-1");
        ex.onComplete(done -> seen.add(done.costUsd()));
        pipeline.execute(ex);
        ex.complete(200, null);
        assertThat(seen).containsExactly(0.3, 0.3);
        assertThat(ex.costUsd()).isEqualTo(0.3);
    }

    @Test
    @DisplayName("an exchange no pipeline ran (refused before it) has no cost; one without usage costs 0")
    void unknownOrZero() {
        Exchange refused = exchange("settle-2");
        refused.complete(401, "missing_api_key");
        assertThat(refused.costUsd()).isNull();

        Pipeline pipeline = new Pipeline(List.of((ex, next) -> Reply.fail(
                SluiceException.forbidden("model_not_allowed", "no"))),
                Tracer.disabled(), PER_TOKEN);
        Exchange blocked = exchange("settle-3");
        pipeline.execute(blocked);
        blocked.complete(403, "model_not_allowed");
        assertThat(blocked.costUsd()).isZero();
    }
}
