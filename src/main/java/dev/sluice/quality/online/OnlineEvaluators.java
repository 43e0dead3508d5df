package dev.sluice.quality.online;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.Json;
import dev.sluice.eval.score.Answer;
import dev.sluice.eval.score.Judge;
import dev.sluice.eval.score.Score;
import dev.sluice.eval.score.ScoreContext;
import dev.sluice.eval.score.Similarity;
import dev.sluice.pipeline.Exchange;
import dev.sluice.quality.AnswerConsumer;
import dev.sluice.quality.BackgroundQueue;
import dev.sluice.store.FeedbackRecord;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online evaluators: the checks of {@code sluice eval} (one scorer library) run on a sampled share of
 * production answers, after the client has them — never delaying it. Sampled answers wait in a
 * bounded queue for two scoring threads; a full queue drops the sample (counted). A score is stored
 * like feedback on the request ({@code eval:<name>}, a number from 0 to 1, positive or negative as
 * the check passed, rated by {@code evaluator:<name>@v<version>}), so it reaches the feedback table,
 * metrics, the stats API and alert rules ({@code evaluator_fail_rate}). Model-graded checks call
 * their judge through the gateway's router, within the evaluator's daily budget.
 */
public final class OnlineEvaluators implements AnswerConsumer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OnlineEvaluators.class);
    private static final int QUEUE = 1_000;
    private static final int THREADS = 2;
    private static final int MAX_REASON = 500;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A judge call that also reports what it cost. */
    @FunctionalInterface
    public interface CostedJudge {
        /** @param spent told the USD cost of the call, once it is settled */
        String complete(String model, String system, String user, JsonNode verdict, String parentRequestId,
                        java.util.function.DoubleConsumer spent);
    }

    private final List<OnlineEvaluator> evaluators;
    private final Consumer<FeedbackRecord> record;
    private final CostedJudge judge;
    private final Similarity similarity;
    private final Clock clock;
    private final BackgroundQueue<Job> queue;

    private record Job(OnlineEvaluator evaluator, Request request, Answer answer, String prompt, JsonNode tools) {}

    /** What is kept of the request: what the stored score links to. */
    private record Request(String requestId, String traceId, String keyId, String team, String model, String user) {}

    /** Model-graded checks: they call a judge model and count against the evaluator's budget. */
    private static final java.util.Set<String> JUDGED = java.util.Set.of("llm-rubric", "factuality");

    /**
     * Builds the configured evaluators; a check that {@code sluice eval} would refuse fails the start
     * with its file and line.
     *
     * @param record stores a score and tells the feedback listeners (metrics, alert rules)
     */
    public static OnlineEvaluators create(List<dev.sluice.config.QualityConfig.Evaluator> configs,
                                          Consumer<FeedbackRecord> record, CostedJudge judge, Similarity similarity,
                                          Clock clock) {
        dev.sluice.eval.score.Scorers scorers = dev.sluice.eval.score.Scorers.standard();
        dev.sluice.eval.SuiteLoader loader = new dev.sluice.eval.SuiteLoader(scorers);
        List<OnlineEvaluator> built = new ArrayList<>();
        for (dev.sluice.config.QualityConfig.Evaluator c : configs) {
            dev.sluice.eval.Assertion a = loader.assertion(c.assertion());
            if (JUDGED.contains(a.type()) && a.provider() == null && c.judgeModel() == null) {
                throw c.assertion().error("evaluator '" + c.name() + "' uses a model-graded check but names no judge",
                        "add judge_model: <a model> to the evaluator, or provider: to the check");
            }
            built.add(new OnlineEvaluator(c, scorers.create(a), JUDGED.contains(a.type())));
        }
        return new OnlineEvaluators(built, record, judge, similarity, clock);
    }

    OnlineEvaluators(List<OnlineEvaluator> evaluators, Consumer<FeedbackRecord> record, CostedJudge judge,
                     Similarity similarity, Clock clock) {
        this.evaluators = List.copyOf(evaluators);
        this.record = record;
        this.judge = judge;
        this.similarity = similarity;
        this.clock = clock;
        this.queue = new BackgroundQueue<>("sluice-evaluator", QUEUE, THREADS, this::scoreSafely);
    }

    @Override
    public boolean sample(Exchange ex) {
        boolean any = false;
        long now = clock.millis();
        for (OnlineEvaluator e : evaluators) {
            // decided here, before the answer: each evaluator samples on its own
            if (e.watches(ex) && e.sample(now)) {
                chosen(ex).add(e);
                any = true;
            }
        }
        return any;
    }

    /** The evaluators that sampled a request, kept on the request until its answer is handed over. */
    private final Map<Exchange, List<OnlineEvaluator>> chosenBy = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private List<OnlineEvaluator> chosen(Exchange ex) {
        return chosenBy.computeIfAbsent(ex, k -> new ArrayList<>(2));
    }

    @Override
    public void answered(Exchange ex, ChatResponse response) {
        List<OnlineEvaluator> chosen = chosenBy.remove(ex);
        if (chosen == null) {
            return;
        }
        JsonNode toolCalls = null;
        if (!response.choices().isEmpty() && !response.choices().getFirst().message().toolCalls().isEmpty()) {
            toolCalls = Json.MAPPER.valueToTree(response.choices().getFirst().message().toolCalls());
        }
        int in = ex.usage() == null ? 0 : ex.usage().promptTokens();
        int out = ex.usage() == null ? 0 : ex.usage().completionTokens();
        Answer answer = new Answer(response.text(), toolCalls, ex.latencyMillis(), ex.costUsd(), in, out,
                response.model(), ex.requestId(), null);
        Request request = new Request(ex.requestId(), ex.traceId(), ex.caller().keyId(), ex.caller().team(),
                ex.requestedModel(), ex.caller().user());
        String prompt = java.util.Objects.requireNonNullElse(ex.chat().lastUserText(), "");
        JsonNode tools = ex.chat().tools() == null || ex.chat().tools().isEmpty() ? null
                : Json.MAPPER.valueToTree(ex.chat().tools());
        for (OnlineEvaluator e : chosen) {
            queue.offer(new Job(e, request, answer, prompt, tools));
        }
    }

    private void scoreSafely(Job job) {
        try {
            score(job);
        } catch (RuntimeException e) {
            LOG.warn("evaluator {} could not score request {}: {}", job.evaluator().config.name(),
                    job.request().requestId(), e.getMessage());
        }
    }

    private void score(Job job) {
        OnlineEvaluator e = job.evaluator();
        long now = clock.millis();
        if (!e.mayJudge(now)) {
            return;
        }
        Judge bound = (model, system, user, verdict) -> judge.complete(model, system, user, verdict,
                job.request().requestId(), usd -> e.spent(usd, clock.millis()));
        ScoreContext context = new ScoreContext(Map.of(), job.prompt(), job.tools(), bound, e.config.judgeModel(), similarity);
        Score score = e.scorer.score(job.answer(), context);
        e.scored();
        Request r = job.request();
        String reason = score.reason() == null ? null
                : score.reason().length() > MAX_REASON ? score.reason().substring(0, MAX_REASON) : score.reason();
        record.accept(new FeedbackRecord("fb_" + HexFormat.of().formatHex(RANDOM.generateSeed(8)), clock.millis(),
                r.requestId(), r.traceId(), r.keyId(), r.team(), r.model(), e.feedbackName(), "number",
                Math.max(0, Math.min(1, score.score())), null, score.pass() ? "positive" : "negative", reason, r.user(),
                e.ratedBy()));
    }

    /** Waits (up to {@code timeout}) until every sampled answer is scored; for tests and the demo. */
    public boolean awaitIdle(java.time.Duration timeout) {
        return queue.awaitIdle(timeout);
    }

    /** Per evaluator: sampled, scored, skipped for its budget, judge spend today; and dropped samples. */
    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (OnlineEvaluator e : evaluators) {
            OnlineEvaluator.Stats s = e.stats();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("version", e.config.version());
            one.put("sample_rate", e.config.sampleRate());
            one.put("sampled", s.sampled());
            one.put("scored", s.scored());
            one.put("skipped_over_budget", s.skippedOverBudget());
            one.put("judge_spend_today_usd", s.spentTodayUsd());
            out.put(e.config.name(), one);
        }
        out.put("dropped", queue.dropped());
        return out;
    }

    @Override
    public void close() {
        queue.close();
    }
}
