package dev.sluice.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.Choice;
import dev.sluice.api.Usage;
import dev.sluice.guard.answer.JsonSchemaScanner;
import dev.sluice.pipeline.Chain;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scans the answer before the client gets it. A whole answer is scanned once: a block replaces it
 * with 400 {@code guardrail_blocked}, redaction masks spans, a flag records. A failed JSON schema
 * check may re-ask the model once (the rest of the pipeline runs again with the errors appended).
 * A stream is wrapped in a {@link GuardedStream}, which scans a sliding window and holds back
 * what could still turn into a match.
 */
public final class OutputGuardStage implements Stage {
    static final String REASK = "Your previous answer did not match the required JSON format. Problems:\n%s\n"
            + "Answer again with only the corrected JSON, nothing else.";

    private final Policies policies;
    private final GuardMetrics metrics;
    private final int holdback;

    public OutputGuardStage(Policies policies, GuardMetrics metrics, int holdback) {
        this.policies = policies;
        this.metrics = metrics;
        this.holdback = holdback;
    }

    @Override
    public String name() {
        return "output guardrails";
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        if (ex.operation() != Exchange.Operation.CHAT || ex.chat() == null) {
            return next.proceed(ex);
        }
        Policy policy = policies.resolve(ex.caller(), ex.requestedModel(), ex.guardrailPolicy());
        if (policy == null || policy.output().isEmpty()) {
            return next.proceed(ex);
        }
        ScanContext context = context(ex);
        // a whole answer's scan is shared by the router's guardrail_block check and this stage (scanned once)
        Map<String, List<Trigger>> scanned = new ConcurrentHashMap<>(2);
        if (!ex.chat().stream()) {
            ex.outputBlockProbe(response -> blockingRule(response, policy, context, scanned));
        }
        Reply reply = next.proceed(ex);
        return switch (reply) {
            case Reply.Chat chat -> checkChat(ex, chat, policy, context, next, true, scanned);
            case Reply.Stream stream -> new Reply.Stream(new GuardedStream(stream.chunks(), policy, context,
                    new Recorder(ex, Direction.OUTPUT, metrics), holdback));
            default -> reply;
        };
    }

    static ScanContext context(Exchange ex) {
        ChatRequest request = ex.chat();
        RequestView view = RequestView.of(request);
        return new ScanContext(Direction.OUTPUT, "output", ex.requestId(), ex.requestedModel(), view.systemPrompt(),
                view.canary(), view.contextDocuments(), request.responseFormat());
    }

    /** The rule that would block this whole answer, or null: what the {@code guardrail_block} fallback asks. */
    private static String blockingRule(ChatResponse response, Policy policy, ScanContext context,
                                       Map<String, List<Trigger>> scanned) {
        for (Choice c : response.choices()) {
            ChatMessage m = c.message();
            if (m.content() == null || !m.content().isTextual()) {
                continue;
            }
            for (Trigger t : scan(m.content().asText(), policy, context, scanned)) {
                if (t.rule().action() == Action.BLOCK && Inspection.acts(t)) {
                    return t.rule().name();
                }
            }
        }
        return null;
    }

    private static List<Trigger> scan(String text, Policy policy, ScanContext context, Map<String, List<Trigger>> scanned) {
        List<Trigger> known = scanned.get(text);
        if (known != null) {
            return known;
        }
        List<Trigger> triggers = Inspection.run(policy.output(), text, context, true);
        scanned.put(text, triggers);
        return triggers;
    }

    private Reply checkChat(Exchange ex, Reply.Chat chat, Policy policy, ScanContext context, Chain next, boolean mayReask,
                            Map<String, List<Trigger>> scanned) {
        ChatResponse response = chat.response();
        Recorder recorder = new Recorder(ex, Direction.OUTPUT, metrics);
        List<Choice> choices = new ArrayList<>(response.choices().size());
        boolean changed = false;
        for (Choice c : response.choices()) {
            ChatMessage m = c.message();
            if (m.content() == null || !m.content().isTextual()) {
                choices.add(c);
                continue;
            }
            String text = m.content().asText();
            List<Trigger> triggers = scan(text, policy, context, scanned);
            if (mayReask) {
                Trigger schema = reaskable(triggers);
                if (schema != null) {
                    recorder.add(schema.rule().name(), schema.verdict(), Action.FLAG, schema.score(), schema.types() + ",reasked");
                    recorder.flush();
                    Reply second = reask(ex, next, text, (JsonSchemaScanner) schema.rule().scanner(), context);
                    if (second instanceof Reply.Chat again) {
                        return checkChat(ex, again, policy, context, next, false, scanned);
                    }
                    return second;
                }
            }
            for (Trigger t : triggers) {
                if (t.rule().action() == Action.BLOCK && Inspection.acts(t)) {
                    recorder.add(t, Action.BLOCK);
                    recorder.flush();
                    return Reply.fail(GuardrailBlocked.of(t, Direction.OUTPUT, policy.name()));
                }
            }
            for (Trigger t : triggers) {
                recorder.add(t, Inspection.acts(t) ? t.rule().action() : Action.FLAG);
            }
            List<Redactor.Span> spans = Redactor.spans(triggers);
            JsonNode logprobs = c.logprobs();
            if (!spans.isEmpty()) {
                m = m.withContent(Redactor.apply(text, spans, null));
                changed = true;
                // the tokens' log probabilities spell out the text as the model wrote it, redacted part included
                logprobs = null;
            }
            choices.add(new Choice(c.index(), m, c.finishReason(), logprobs));
        }
        recorder.flush();
        if (!ex.guardEvents().isEmpty()) {
            ex.responseHeader("x-sluice-guardrail", InputGuardStage.summary(ex));
        }
        if (!changed) {
            return chat;
        }
        return new Reply.Chat(new ChatResponse(response.id(), response.created(), response.model(), choices,
                response.usage(), response.systemFingerprint(), response.extra()));
    }

    /** A failed schema check whose rule allows one re-ask, or null. */
    private static Trigger reaskable(List<Trigger> triggers) {
        for (Trigger t : triggers) {
            if (t.rule().scanner() instanceof JsonSchemaScanner s && s.reask() && t.rule().action() != Action.FLAG) {
                return t;
            }
        }
        return null;
    }

    /** Runs the rest of the pipeline again with the invalid answer and what is wrong with it appended. */
    private static Reply reask(Exchange ex, Chain next, String invalid, JsonSchemaScanner scanner, ScanContext context) {
        ChatRequest original = ex.chat();
        Usage firstUsage = ex.usage();
        List<ChatMessage> messages = new ArrayList<>(original.messages());
        messages.add(ChatMessage.of("assistant", invalid));
        messages.add(ChatMessage.of("user", REASK.formatted("- " + String.join("\n- ", scanner.errors(invalid, context)))));
        ex.chat(original.withMessages(messages));
        try {
            Reply reply = next.proceed(ex);
            ex.usage(sum(firstUsage, ex.usage()));
            return reply;
        } finally {
            ex.chat(original);
        }
    }

    private static Usage sum(Usage a, Usage b) {
        if (a == null || b == null) {
            return b == null ? a : b;
        }
        return new Usage(a.promptTokens() + b.promptTokens(), a.completionTokens() + b.completionTokens(),
                a.totalTokens() + b.totalTokens(), a.cachedTokens() + b.cachedTokens(),
                a.reasoningTokens() + b.reasoningTokens());
    }
}
