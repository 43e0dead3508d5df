package dev.sluice.bench.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.Choice;
import dev.sluice.api.Json;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Chain;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import dev.sluice.prompts.Actor;
import dev.sluice.prompts.PromptFiles;
import dev.sluice.prompts.PromptRegistry;
import dev.sluice.prompts.PromptRenderer;
import dev.sluice.prompts.PromptRepository;
import dev.sluice.prompts.PromptResolver;
import dev.sluice.prompts.PromptStage;
import dev.sluice.prompts.Shadows;
import dev.sluice.prompts.rollout.ExperimentStore;
import dev.sluice.prompts.rollout.Experiments;
import dev.sluice.prompts.rollout.Gates;
import dev.sluice.prompts.rollout.RolloutDriver;
import dev.sluice.prompts.rollout.RolloutPlan;
import dev.sluice.prompts.rollout.ShadowConfig;
import dev.sluice.prompts.rollout.ShadowResults;
import dev.sluice.prompts.rollout.TrafficSplits;
import dev.sluice.prompts.template.TemplateEngine;
import dev.sluice.store.AuditRepository;
import dev.sluice.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the prompt stage adds to a request (issue 16 target: at most 20 µs p50 over a request
 * without a prompt). Each call runs {@link PromptStage#handle} on a fresh exchange with a chain that
 * answers at once, so only the stage's own work is timed:
 * <ul>
 *   <li>{@code plain}: a request without {@code prompt} (the baseline: the stage passes it on,
 *       after looking for a model split);</li>
 *   <li>{@code production}: {@code prompt: {id, variables}} on the production label: resolve (cached),
 *       render a two-message template with a conditional, merge model and parameters;</li>
 *   <li>{@code canary}: the same with a canary running on the label (the sticky bucket: a SHA-256);</li>
 *   <li>{@code shadowed}: the same with a shadow copying every request: what the client waits for is
 *       the tap's admission (sampling hash, budget, rate) and the registration of the completion
 *       listener that starts the copy after the answer's last byte.</li>
 * </ul>
 * The store is a SQLite file; every read it serves is cached after the first call.
 *
 * <p>Run: {@code bench/run jmh PromptBench}
 */
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PromptBench {
    private static final Reply ANSWER = new Reply.Chat(new ChatResponse("chatcmpl-1", 0, "gpt-4o-mini",
            List.of(new Choice(0, ChatMessage.of("assistant", "Reset it under Settings, then Security."), "stop", null)),
            null, null, null));
    private static final Chain UPSTREAM = ex -> ANSWER;

    @Param({"plain", "production", "canary", "shadowed"})
    public String scenario;

    private Path dir;
    private Database db;
    private PromptStage stage;
    private ChatRequest request;
    private final AtomicLong ids = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("prompt-bench");
        db = Database.openSqlite(dir.resolve("bench.db"));
        Clock clock = Clock.systemUTC();
        TemplateEngine templates = TemplateEngine.strict();
        PromptRepository repository = new PromptRepository(db);
        PromptRegistry registry = new PromptRegistry(repository, new AuditRepository(db), templates, clock);
        Actor actor = new Actor("bench", "owner", null);
        String yaml = """
                model: gpt-4o-mini
                params: {temperature: 0.2, max_tokens: 300}
                messages:
                  - role: system
                    content: "You are the support assistant of {{ company }}.{%% if tier == 'gold' %%} Offer a call back.{%% endif %%} %s"
                  - role: user
                    content: "{{ question }}"
                """;
        registry.push(PromptFiles.parse("support.yaml", yaml.formatted("v1")), "v1", actor);
        registry.label("support", "production", 1, actor, null);
        registry.push(PromptFiles.parse("support.yaml", yaml.formatted("v2")), "v2", actor);
        PromptResolver resolver = new PromptResolver(repository, Duration.ofSeconds(1));
        PromptRenderer renderer = new PromptRenderer(templates);
        ExperimentStore experiments = new ExperimentStore(db);
        TrafficSplits splits = new TrafficSplits(experiments, Duration.ofSeconds(1));
        ShadowResults results = new ShadowResults(db);
        Shadows shadows = new Shadows(experiments, results, resolver, renderer, ex -> ANSWER, ex -> { }, clock,
                Duration.ofSeconds(1));
        if (scenario.equals("canary")) {
            new RolloutDriver(experiments, (r, t, from, to) -> List.of(), new RolloutDriver.Effects() {
                @Override
                public void completed(dev.sluice.prompts.rollout.RolloutState s) {}

                @Override
                public void rolledBack(dev.sluice.prompts.rollout.RolloutState s, dev.sluice.prompts.rollout.GateCheck f) {}
            }, clock, "bench", Duration.ofSeconds(30)).start(new RolloutPlan("prompt:support", "production", "1", "2",
                    List.of(50, 100), 600_000, Gates.DEFAULT), "bench");
        }
        if (scenario.equals("shadowed")) {
            new Experiments(experiments, registry, clock).startShadow(new ShadowConfig("prompt:support", "2", 1.0, 1e9,
                    100_000), "bench");
        }
        stage = new PromptStage(resolver, renderer, splits, shadows);
        ObjectNode body = Json.object();
        if (scenario.equals("plain")) {
            body.put("model", "gpt-4o-mini");
            body.putArray("messages").addObject().put("role", "system").put("content", "You are the support assistant of Acme.");
            body.withArray("messages").addObject().put("role", "user").put("content", "How do I reset my password?");
        } else {
            ObjectNode prompt = body.putObject("prompt").put("id", "support");
            prompt.putObject("variables").put("company", "Acme").put("tier", "gold").put("question", "How do I reset my password?");
        }
        request = dev.sluice.api.ChatRequestCodec.read(body);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        Thread.sleep(500); // let the last shadow copies finish
        db.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Reply handle() {
        Exchange ex = new Exchange("req_" + ids.incrementAndGet(), Exchange.Operation.CHAT, Map.of());
        ex.caller(new Caller("key_1", "app", null, "user-" + (ids.get() & 1023), Set.of(), Set.of(), null, null));
        ex.chat(request);
        return stage.handle(ex, UPSTREAM);
    }
}
