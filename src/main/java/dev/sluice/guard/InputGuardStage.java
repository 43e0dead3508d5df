package dev.sluice.guard;

import dev.sluice.api.ChatMessage;
import dev.sluice.api.ChatRequest;
import dev.sluice.api.ChatResponse;
import dev.sluice.api.Choice;
import dev.sluice.pipeline.Chain;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * Scans the request before the model sees it (after auth, before the cache and the router). Each
 * message is scanned by the rules that apply to its role; a block returns 400
 * {@code guardrail_blocked} without calling the model, redaction rewrites the message (placeholders
 * are put back into the answer on the way out, streamed or not), a flag only records. When the
 * output policy checks for system-prompt leakage, the canary is planted here.
 */
public final class InputGuardStage implements Stage {
    private final Policies policies;
    private final GuardMetrics metrics;
    private final ScanBudget budget;
    private final Runnable warm;

    /** @param warm waits until the scanners are warm (see {@link Guardrails}) */
    public InputGuardStage(Policies policies, GuardMetrics metrics, ScanBudget budget, Runnable warm) {
        this.policies = policies;
        this.metrics = metrics;
        this.budget = budget;
        this.warm = warm;
    }

    @Override
    public String name() {
        return "input guardrails";
    }

    @Override
    public Reply handle(Exchange ex, Chain next) {
        if (ex.operation() != Exchange.Operation.CHAT || ex.chat() == null) {
            return next.proceed(ex);
        }
        Policy policy = policies.resolve(ex.caller(), ex.requestedModel(), ex.guardrailPolicy());
        if (policy == null || policy.input().isEmpty() && !policy.plantsCanary()) {
            return next.proceed(ex);
        }
        metrics.scanned();
        ChatRequest request = ex.chat();
        RequestView view = RequestView.of(request);
        ScanContext base = new ScanContext(Direction.INPUT, "user", ex.requestId(), ex.requestedModel(),
                view.systemPrompt(), null, view.contextDocuments(), request.responseFormat());
        Recorder recorder = new Recorder(ex, Direction.INPUT, metrics);
        PlaceholderVault vault = policy.placeholders() ? new PlaceholderVault() : null;
        List<ChatMessage> messages = request.messages();
        List<ChatMessage> rewritten = null;
        warm.run();
        ScanBudget.Deadline deadline = budget.start(ex::clientGone);
        scan:
        for (int i = 0; i < messages.size(); i++) {
            String role = view.roles().get(i);
            List<Rule> rules = rulesFor(policy.input(), role);
            if (rules.isEmpty()) {
                continue;
            }
            ScanContext context = base.withRole(role);
            List<String> texts = MessageParts.texts(messages.get(i));
            List<String> newTexts = null;
            for (int p = 0; p < texts.size(); p++) {
                String text = texts.get(p);
                List<Trigger> triggers;
                try {
                    triggers = Inspection.run(rules, text, context, true, deadline);
                } catch (ScanBudget.ClientGone e) {
                    recorder.flush();
                    return Reply.fail(new dev.sluice.api.SluiceException(499, "invalid_request_error", "client_disconnected",
                            null, "The client closed its connection while its request was being checked."));
                } catch (ScanBudget.Exceeded e) {
                    recorder.add(ScanBudget.NAME, ScanBudget.VERDICT, budget.block() ? Action.BLOCK : Action.FLAG, 1.0,
                            "time");
                    if (budget.block()) {
                        recorder.flush();
                        ex.responseHeader("x-sluice-guardrail", "input:" + ScanBudget.NAME + ":block");
                        return Reply.fail(GuardrailBlocked.budgetExceeded(budget.budget(), policy.name()));
                    }
                    // flag: what was redacted so far stays redacted; the texts not yet scanned go through as they are
                    if (newTexts != null) {
                        if (rewritten == null) {
                            rewritten = new ArrayList<>(messages);
                        }
                        rewritten.set(i, MessageParts.replace(messages.get(i), newTexts));
                    }
                    break scan;
                }
                if (triggers.isEmpty()) {
                    continue;
                }
                for (Trigger t : triggers) {
                    if (t.rule().action() == Action.BLOCK && Inspection.acts(t)) {
                        recorder.add(t, Action.BLOCK);
                        recorder.flush();
                        ex.responseHeader("x-sluice-guardrail", "input:" + t.rule().name() + ":block");
                        return Reply.fail(GuardrailBlocked.of(t, Direction.INPUT, policy.name()));
                    }
                }
                for (Trigger t : triggers) {
                    recorder.add(t, Inspection.acts(t) ? t.rule().action() : Action.FLAG);
                }
                List<Redactor.Span> spans = Redactor.spans(triggers);
                if (!spans.isEmpty()) {
                    if (newTexts == null) {
                        newTexts = new ArrayList<>(texts);
                    }
                    newTexts.set(p, Redactor.apply(text, spans, vault));
                }
            }
            if (newTexts != null) {
                if (rewritten == null) {
                    rewritten = new ArrayList<>(messages);
                }
                rewritten.set(i, MessageParts.replace(messages.get(i), newTexts));
            }
        }
        if (rewritten != null) {
            request = request.withMessages(rewritten);
        }
        if (policy.plantsCanary()) {
            request = Canary.plant(request);
        }
        ex.chat(request);
        if (!recorder.isEmpty()) {
            recorder.flush();
            ex.responseHeader("x-sluice-guardrail", summary(ex));
        }
        Reply reply = next.proceed(ex);
        if (vault == null || vault.isEmpty()) {
            return reply;
        }
        return switch (reply) {
            case Reply.Chat chat -> new Reply.Chat(restore(chat.response(), vault));
            case Reply.Stream stream -> new Reply.Stream(new RestoringStream(stream.chunks(), vault));
            default -> reply;
        };
    }

    /**
     * Which rules look at a message of this role: personal data, secrets and hidden characters in
     * everything but the application's own instructions; injection and content rules only in
     * untrusted text (user turns, tool results, context documents); limits everywhere.
     */
    static List<Rule> rulesFor(List<Rule> rules, String role) {
        boolean instructions = role.equals("system") || role.equals("developer");
        boolean untrusted = role.equals("user") || role.equals("tool") || role.equals("context");
        List<Rule> out = new ArrayList<>(rules.size());
        for (Rule r : rules) {
            boolean applies = switch (r.name()) {
                case "limits" -> true;
                case "pii", "secrets", "invisible_text" -> !instructions;
                default -> untrusted;
            };
            if (applies) {
                out.add(r);
            }
        }
        return out;
    }

    private static ChatResponse restore(ChatResponse response, PlaceholderVault vault) {
        List<Choice> choices = new ArrayList<>(response.choices().size());
        for (Choice c : response.choices()) {
            ChatMessage m = c.message();
            if (m.content() != null && m.content().isTextual()) {
                m = m.withContent(vault.restore(m.content().asText()));
            }
            choices.add(new Choice(c.index(), m, c.finishReason(), c.logprobs()));
        }
        return new ChatResponse(response.id(), response.created(), response.model(), choices, response.usage(),
                response.systemFingerprint(), response.extra());
    }

    static String summary(Exchange ex) {
        StringBuilder sb = new StringBuilder();
        for (var e : ex.guardEvents()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(e.direction()).append(':').append(e.name()).append(':').append(e.action());
        }
        return sb.toString();
    }
}
