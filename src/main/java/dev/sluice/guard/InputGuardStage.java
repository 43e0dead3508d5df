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
 * output policy checks for system-prompt leakage, the canary is planted here. A policy with
 * {@code input_scan: parallel} runs its block and flag rules ({@link Policy#alongside()}) alongside
 * the rest of the pipeline instead ({@link ParallelScan}).
 */
public final class InputGuardStage implements Stage {
    private final Policies policies;
    private final GuardMetrics metrics;
    private final ScanBudget budget;
    private final Runnable warm;
    private final java.util.concurrent.Semaphore parallelScans;

    /**
     * @param warm          waits until the scanners are warm (see {@link Guardrails})
     * @param parallelScans permits for scans alongside upstream calls ({@code guardrails.parallel_scans})
     */
    public InputGuardStage(Policies policies, GuardMetrics metrics, ScanBudget budget, Runnable warm,
                           java.util.concurrent.Semaphore parallelScans) {
        this.policies = policies;
        this.metrics = metrics;
        this.budget = budget;
        this.warm = warm;
        this.parallelScans = parallelScans;
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
        warm.run();
        ScanBudget.Deadline deadline = budget.start(ex::clientGone);
        Pass pass = new Pass(messages);
        Reply refused = scan(ex, policy, policy.before(), view, base, recorder, vault, deadline, pass);
        if (refused != null) {
            return refused;
        }
        ParallelScan alongside = null;
        if (!policy.alongside().isEmpty() && !pass.outOfBudget) {
            if (parallelScans.tryAcquire()) {
                alongside = ParallelScan.start(policy.alongside(), messages, view, base, budget, deadline, ex,
                        parallelScans);
            } else {
                // as many scans as allowed already run alongside calls: this one runs before its call
                refused = scan(ex, policy, policy.alongside(), view, base, recorder, vault, deadline, pass);
                if (refused != null) {
                    return refused;
                }
            }
        }
        if (pass.rewritten != null) {
            request = request.withMessages(pass.rewritten);
        }
        if (policy.plantsCanary()) {
            request = Canary.plant(request);
        }
        ex.chat(request);
        if (!recorder.isEmpty()) {
            recorder.flush();
            ex.responseHeader("x-sluice-guardrail", summary(ex));
        }
        Reply reply = alongside == null ? next.proceed(ex) : proceedAlongside(ex, next, alongside, policy);
        if (vault == null || vault.isEmpty()) {
            return reply;
        }
        return switch (reply) {
            case Reply.Chat chat -> new Reply.Chat(restore(chat.response(), vault));
            case Reply.Stream stream -> new Reply.Stream(new RestoringStream(stream.chunks(), vault));
            default -> reply;
        };
    }

    /** Where one request's scan before the call stands: the rewritten messages, and whether the budget ran out. */
    private static final class Pass {
        final List<ChatMessage> messages;
        List<ChatMessage> rewritten;
        boolean outOfBudget;

        Pass(List<ChatMessage> messages) {
            this.messages = messages;
        }
    }

    /**
     * Runs {@code rules} over the messages before the upstream call: returns the refusal when one blocks, else
     * null, with redactions in {@code pass.rewritten}. Every rule sees the text as the client sent it.
     */
    private Reply scan(Exchange ex, Policy policy, List<Rule> policyRules, RequestView view, ScanContext base,
                       Recorder recorder, PlaceholderVault vault, ScanBudget.Deadline deadline, Pass pass) {
        List<ChatMessage> messages = pass.messages;
        for (int i = 0; i < messages.size(); i++) {
            String role = view.roles().get(i);
            List<Rule> rules = rulesFor(policyRules, role);
            if (rules.isEmpty()) {
                continue;
            }
            ScanContext context = base.withRole(role);
            List<String> texts = MessageParts.texts(messages.get(i));
            // a second pass (rules that could not run alongside the call) starts from the first's redactions
            ChatMessage current = pass.rewritten != null ? pass.rewritten.get(i) : messages.get(i);
            List<String> newTexts = null;
            for (int p = 0; p < texts.size(); p++) {
                String text = texts.get(p);
                List<Trigger> triggers;
                try {
                    triggers = Inspection.run(rules, text, context, true, deadline);
                } catch (ScanBudget.ClientGone e) {
                    recorder.flush();
                    return clientGone();
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
                        rewrite(pass, i, MessageParts.replace(current, newTexts));
                    }
                    pass.outOfBudget = true;
                    return null;
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
                        newTexts = new ArrayList<>(MessageParts.texts(current));
                    }
                    newTexts.set(p, Redactor.apply(text, spans, vault));
                }
            }
            if (newTexts != null) {
                rewrite(pass, i, MessageParts.replace(current, newTexts));
            }
        }
        return null;
    }

    private static void rewrite(Pass pass, int i, ChatMessage message) {
        if (pass.rewritten == null) {
            pass.rewritten = new ArrayList<>(pass.messages);
        }
        pass.rewritten.set(i, message);
    }

    private static Reply clientGone() {
        return Reply.fail(new dev.sluice.api.SluiceException(499, "invalid_request_error", "client_disconnected",
                null, "The client closed its connection while its request was being checked."));
    }

    /**
     * The rest of the pipeline, while {@code scan} runs. When its rules can block, the answer waits for the verdict
     * (a stream's first byte included: the router has read up to the first content before it answers) and is
     * thrown away, the upstream cut short if still running, when the request does not pass. Otherwise (flag rules
     * only) the answer never waits: what the scan found is recorded when it ends, in the response header only if
     * it ended before the answer was ready, in the request log, trace and metrics always (the exchange completes
     * after the scan, or after its budget).
     */
    private Reply proceedAlongside(Exchange ex, Chain next, ParallelScan scan, Policy policy) {
        if (scan.holds()) {
            ex.inputVerdict(scan::passes); // the response cache keeps nothing before the request passed
        }
        Reply reply = null;
        RuntimeException thrown = null;
        boolean cut;
        scan.enterCall();
        try {
            reply = next.proceed(ex);
        } catch (RuntimeException e) {
            thrown = e;
        } finally {
            cut = scan.leaveCall();
        }
        if (!scan.holds()) {
            if (thrown != null) {
                scan.stop();
                throw thrown;
            }
            if (scan.done()) {
                recordBeforeHeaders(ex, scan.await());
            } else {
                ex.onComplete(done -> record(done, scan.await(), false));
            }
            return reply;
        }
        ParallelScan.Outcome outcome = scan.await();
        if (scan.passes(outcome)) {
            recordBeforeHeaders(ex, outcome);
            if (thrown != null) {
                throw thrown;
            }
            return reply;
        }
        // the request does not pass: the answer, whole or a stream opened, is thrown away
        discard(ex, reply, cut || thrown != null);
        record(ex, outcome, true);
        return switch (outcome.kind()) {
            case BLOCKED -> {
                ex.responseHeader("x-sluice-guardrail", "input:" + outcome.blocking().rule().name() + ":block");
                yield Reply.fail(GuardrailBlocked.of(outcome.blocking(), Direction.INPUT, policy.name()));
            }
            case EXCEEDED -> {
                ex.responseHeader("x-sluice-guardrail", "input:" + ScanBudget.NAME + ":block");
                yield Reply.fail(GuardrailBlocked.budgetExceeded(budget.budget(), policy.name()));
            }
            case STOPPED -> clientGone();
            // a scanner of a block rule threw: the request fails as it would have before the call
            case FAILED -> throw outcome.failure();
            case PASSED -> throw new IllegalStateException("unreachable");
        };
    }

    /** As {@link #record}, for a request that passes while its answer's headers are still to be written: they say so. */
    private void recordBeforeHeaders(Exchange ex, ParallelScan.Outcome outcome) {
        record(ex, outcome, false);
        if (!ex.guardEvents().isEmpty()) {
            ex.responseHeader("x-sluice-guardrail", summary(ex));
        }
    }

    /** Writes what a scan alongside the call found to the exchange (guard events, metrics). */
    private void record(Exchange ex, ParallelScan.Outcome outcome, boolean blocking) {
        Recorder recorder = new Recorder(ex, Direction.INPUT, metrics);
        for (ParallelScan.Found f : outcome.found()) {
            recorder.add(f.name(), f.verdict(), f.taken(), f.score(), f.types());
        }
        if (outcome.kind() == ParallelScan.Kind.EXCEEDED) {
            recorder.add(ScanBudget.NAME, ScanBudget.VERDICT, blocking ? Action.BLOCK : Action.FLAG, 1.0, "time");
        }
        recorder.flush();
    }

    /**
     * Throws away the answer of a request that did not pass: a stream is closed (the upstream stops generating).
     * What the upstream was asked still costs: a whole answer's usage is on the exchange already; a call cut short
     * before the upstream told its usage is charged its prompt's tokens, counted as the limits count them (what it
     * generated before the cut is not known and not counted).
     */
    private static void discard(Exchange ex, Reply reply, boolean cutShort) {
        if (reply instanceof Reply.Stream stream) {
            stream.chunks().close();
            cutShort = true;
        }
        boolean fromCache = ex.cacheStatus() != null && ex.cacheStatus().endsWith("hit");
        if (cutShort && ex.usage() == null && ex.upstreamModel() != null && !fromCache) {
            ex.usage(dev.sluice.api.Usage.of(dev.sluice.api.TokenCounter.countPrompt(ex.chat()), 0));
        }
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
