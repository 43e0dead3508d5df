package dev.sluice.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import dev.sluice.config.ConfigException;
import dev.sluice.eval.Assertion;
import dev.sluice.eval.EvalPrompt;
import dev.sluice.eval.Suite;
import dev.sluice.eval.Target;
import dev.sluice.eval.TestCase;
import dev.sluice.eval.score.Answer;
import dev.sluice.eval.score.Judge;
import dev.sluice.eval.score.Score;
import dev.sluice.eval.score.ScoreContext;
import dev.sluice.eval.score.Scorer;
import dev.sluice.eval.score.Scorers;
import dev.sluice.eval.score.Similarity;
import dev.sluice.prompts.template.CompiledTemplate;
import dev.sluice.prompts.template.TemplateEngine;
import dev.sluice.prompts.template.TemplateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs a suite: every test with every prompt against every target, {@code repeat} times, at most
 * {@code concurrency} calls at once (each on a virtual thread). Prompts are rendered with the
 * prompt registry's template engine (lenient: an undefined variable is empty text, as in
 * promptfoo's Nunjucks); answers are scored by the {@link Scorers} registry.
 */
public final class EvalRunner {
    /**
     * @param runId    tags every request ({@code eval_run}) and prefixes the request ids
     * @param grader   the judge model when an assertion and the suite name none
     * @param progress told the number of calls done after each one (a progress bar), or null
     */
    public record Options(String runId, int concurrency, int repeat, RepeatRule rule, String grader, IntConsumer progress) {}

    private static final TemplateEngine TEMPLATES = TemplateEngine.lenient();
    private final ModelCaller caller;
    private final Scorers scorers;
    private final Judge judge;
    private final Similarity similarity;

    public EvalRunner(ModelCaller caller, Scorers scorers, Judge judge, Similarity similarity) {
        this.caller = caller;
        this.scorers = scorers;
        this.judge = judge;
        this.similarity = similarity;
    }

    /** How many calls a run of this suite makes (without the judge's). */
    public static int calls(Suite suite, int repeat) {
        return suite.tests().size() * suite.prompts().size() * suite.targets().size() * repeat;
    }

    public RunResult run(Suite suite, Options options) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<String> promptNames = unique(suite.prompts().stream().map(EvalPrompt::label).toList());
        List<String> targetNames = unique(suite.targets().stream().map(Target::name).toList());
        List<CompiledPrompt> templates = suite.prompts().stream().map(p -> compile(suite, p)).toList();
        List<List<Scorer>> scorersByTest = suite.tests().stream()
                .map(t -> t.asserts().stream().map(scorers::create).toList()).toList();

        int repeat = Math.max(1, options.repeat());
        Semaphore slots = new Semaphore(Math.max(1, options.concurrency()));
        AtomicInteger done = new AtomicInteger();
        AtomicInteger sequence = new AtomicInteger();
        List<Future<Trial>> futures = new ArrayList<>();
        record Key(int test, int prompt, int target) {}
        List<Key> keys = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int ti = 0; ti < suite.tests().size(); ti++) {
                for (int pi = 0; pi < suite.prompts().size(); pi++) {
                    for (int gi = 0; gi < suite.targets().size(); gi++) {
                        for (int r = 0; r < repeat; r++) {
                            int test = ti;
                            int prompt = pi;
                            int target = gi;
                            keys.add(new Key(ti, pi, gi));
                            futures.add(pool.submit(() -> {
                                slots.acquire();
                                try {
                                    String requestId = options.runId() + "-" + sequence.incrementAndGet();
                                    return trial(suite.tests().get(test), scorersByTest.get(test), templates.get(prompt),
                                            suite.targets().get(target), requestId, options.grader());
                                } finally {
                                    slots.release();
                                    if (options.progress() != null) {
                                        options.progress().accept(done.incrementAndGet());
                                    }
                                }
                            }));
                        }
                    }
                }
            }
            Map<Key, List<Trial>> grouped = new LinkedHashMap<>();
            for (int i = 0; i < futures.size(); i++) {
                grouped.computeIfAbsent(keys.get(i), k -> new ArrayList<>()).add(get(futures.get(i)));
            }
            List<CaseResult> cases = new ArrayList<>();
            grouped.forEach((k, trials) -> {
                TestCase test = suite.tests().get(k.test());
                boolean pass = options.rule().passes(trials, test.threshold());
                cases.add(new CaseResult(k.test(), test, promptNames.get(k.prompt()), targetNames.get(k.target()),
                        modelOf(suite.targets().get(k.target()), trials), trials, pass, RepeatRule.mean(trials)));
            });
            return new RunResult(options.runId(), suite.description(), suite.file(), started,
                    (System.nanoTime() - t0) / 1_000_000, promptNames, targetNames, cases, options.rule(), repeat);
        }
    }

    /** The target's model; for a registry prompt without one, the model that answered. */
    private static String modelOf(Target target, List<Trial> trials) {
        if (target.model() != null) {
            return target.model();
        }
        return trials.stream().map(t -> t.answer() == null ? null : t.answer().model())
                .filter(java.util.Objects::nonNull).filter(m -> !m.isBlank()).findFirst().orElse(target.id());
    }

    private static Trial get(Future<Trial> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A prompt's messages compiled once: their roles and their content templates. */
    private record CompiledPrompt(List<String> roles, List<CompiledTemplate> templates) {}

    private static CompiledPrompt compile(Suite suite, EvalPrompt prompt) {
        List<String> roles = new ArrayList<>();
        List<CompiledTemplate> out = new ArrayList<>();
        for (EvalPrompt.Message m : prompt.messages()) {
            try {
                out.add(TEMPLATES.compile(m.content()));
                roles.add(m.role());
            } catch (TemplateException e) {
                throw new ConfigException(suite.file() + ": prompt '" + prompt.label() + "': " + e.getMessage());
            }
        }
        return new CompiledPrompt(List.copyOf(roles), List.copyOf(out));
    }

    private Trial trial(TestCase test, List<Scorer> testScorers, CompiledPrompt prompt, Target target,
                        String requestId, String grader) {
        ObjectNode request = target.params().deepCopy();
        if (target.model() != null) {
            request.put("model", target.model());
        }
        if (target.prompt() != null) {
            request.set("prompt", promptField(target.prompt(), test.vars()));
        }
        ArrayNode messages = request.putArray("messages");
        String lastUser = "";
        Answer answer;
        try {
            for (int i = 0; i < prompt.templates().size(); i++) {
                String role = prompt.roles().get(i);
                String content = prompt.templates().get(i).render(test.vars());
                messages.add(Json.object().put("role", role).put("content", content));
                if (role.equals("user")) {
                    lastUser = content;
                }
            }
            answer = caller.call(request, requestId);
        } catch (TemplateException e) {
            answer = Answer.failed("the prompt did not render: " + e.getMessage(), 0, requestId);
        }
        JsonNode tools = request.get("tools");
        ScoreContext context = new ScoreContext(test.vars(), lastUser, tools, judge, grader, similarity);
        return score(test, testScorers, answer, context);
    }

    /**
     * The request's {@code prompt} field for a registry prompt: its reference and all the test's
     * variables ({@link GatewayClient} leaves out those the prompt does not use).
     */
    static ObjectNode promptField(dev.sluice.prompts.PromptRef ref, Map<String, Object> vars) {
        ObjectNode field = Json.object().put("id", ref.name());
        if (ref.version() != null) {
            field.put("version", ref.version());
        }
        if (ref.label() != null) {
            field.put("label", ref.label());
        }
        field.set("variables", Json.MAPPER.valueToTree(vars));
        return field;
    }

    /** Scores one answer with a test's checks; a scorer that throws (a judge that failed) fails its check. */
    public static Trial score(TestCase test, List<Scorer> testScorers, Answer answer, ScoreContext context) {
        List<AssertionResult> results = new ArrayList<>();
        double weighted = 0;
        double weights = 0;
        boolean allPass = !answer.failed();
        for (int i = 0; i < testScorers.size(); i++) {
            Assertion a = test.asserts().get(i);
            Score s;
            if (answer.failed()) {
                s = Score.fail("no answer: " + answer.error());
            } else {
                try {
                    s = testScorers.get(i).score(answer, context);
                } catch (RuntimeException e) {
                    s = Score.fail(a.label() + " could not be checked: " + e.getMessage());
                }
            }
            results.add(new AssertionResult(a.label(), s.pass(), s.score(), s.reason(), a.metric(), s.details()));
            weighted += s.score() * a.weight();
            weights += a.weight();
            if (!s.pass() && a.weight() > 0) {
                allPass = false;
            }
        }
        double score = answer.failed() ? 0 : weights == 0 ? (allPass ? 1 : 0) : weighted / weights;
        boolean pass = test.threshold() != null ? !answer.failed() && score >= test.threshold() : allPass;
        return new Trial(answer, results, pass, score);
    }

    /** Labels made unique: a repeated label gets {@code #2}, {@code #3}. */
    static List<String> unique(List<String> labels) {
        List<String> out = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (String l : labels) {
            int n = seen.merge(l, 1, Integer::sum);
            out.add(n == 1 ? l : l + " #" + n);
        }
        return out;
    }
}
