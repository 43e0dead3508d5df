package dev.sluice.guard;

import dev.sluice.api.ChatMessage;
import dev.sluice.pipeline.Exchange;
import dev.sluice.trace.Span;
import dev.sluice.trace.Tracer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input rules of an {@code input_scan: parallel} policy that block or flag, scanning a request on a virtual
 * thread of its own while the request goes on to the upstream (issue 21), so a slow classifier's time hides behind
 * the model's. It touches the {@link Exchange} only through what is safe from another thread ({@link
 * Exchange#abandon()}, {@link Exchange#clientGone()}); the request's thread records what it found.
 *
 * <p>When the scan will not let the request through while the request is still inside the rest of the pipeline,
 * it marks the exchange abandoned and interrupts the request's thread, which cuts a blocking upstream read short
 * (the router then neither retries nor falls back, and does not hold the cut against the deployment). It holds a
 * permit of the guardrails' {@code parallel_scans} until it ends, so the CPU that scans running past their
 * requests' waits can take is bounded; it stops, before its next scanner, once its budget has passed or it was
 * {@link #stop() stopped}.
 */
final class ParallelScan {
    private static final Logger LOG = LoggerFactory.getLogger(ParallelScan.class);

    /** How a scan ended. */
    enum Kind {
        /** Every rule ran; nothing blocks (flags may have been found). */
        PASSED,
        /** A block rule fired. */
        BLOCKED,
        /** The scan budget ran out first. */
        EXCEEDED,
        /** The client went away, or the scan was stopped. */
        STOPPED,
        /** A scanner of a block rule threw: as it does before the call, the request fails. */
        FAILED
    }

    /** A trigger as the {@link Recorder} takes it. */
    record Found(String name, String verdict, Action taken, double score, String types) {
        static Found of(Trigger t, Action taken) {
            return new Found(t.rule().name(), t.verdict(), taken, t.score(), t.types());
        }
    }

    /**
     * @param found    what fired, in order (the blocking trigger last when {@link Kind#BLOCKED})
     * @param blocking the trigger that blocked, or null
     * @param failure  what a scanner threw ({@link Kind#FAILED}), or null
     */
    record Outcome(Kind kind, List<Found> found, Trigger blocking, RuntimeException failure) {}

    private final List<Rule> rules;
    private final List<ChatMessage> messages;
    private final RequestView view;
    private final ScanContext base;
    private final ScanBudget.Deadline deadline;
    private final Exchange exchange;
    private final Thread requester = Thread.currentThread();
    /** Whether a verdict other than a pass stops the request: some rule blocks. */
    private final boolean holds;
    /** {@code on_budget_exceeded: block}: a scan out of budget does not pass. */
    private final boolean budgetBlocks;
    private final CompletableFuture<Outcome> result = new CompletableFuture<>();
    /** What fired so far, for an outcome decided before the scan ended (out of budget). */
    private final List<Found> found = new ArrayList<>();
    private volatile boolean stopped;
    private volatile Outcome decided;
    private volatile Thread worker;
    // guarded by this: whether the request's thread is inside the rest of the pipeline, and whether it was cut
    private boolean inCall;
    private boolean cut;

    private ParallelScan(List<Rule> rules, List<ChatMessage> messages, RequestView view, ScanContext base,
                         ScanBudget.Deadline deadline, boolean budgetBlocks, Exchange exchange) {
        this.rules = rules;
        this.budgetBlocks = budgetBlocks;
        this.messages = messages;
        this.view = view;
        this.base = base;
        this.exchange = exchange;
        this.deadline = new ScanBudget.Deadline(deadline.nanos(), deadline.loading(), deadline.loadingAtStart(),
                () -> stopped || deadline.clientGone().getAsBoolean(), deadline.readers());
        boolean blocks = false;
        for (Rule r : rules) {
            blocks |= r.action() == Action.BLOCK;
        }
        this.holds = blocks;
    }

    /**
     * Starts scanning {@code messages} (as the client sent them) with {@code rules} on a virtual thread, which
     * releases {@code permit} when it ends.
     */
    static ParallelScan start(List<Rule> rules, List<ChatMessage> messages, RequestView view, ScanContext base,
                              ScanBudget budget, ScanBudget.Deadline deadline, Exchange exchange, Semaphore permit) {
        ParallelScan scan = new ParallelScan(rules, messages, view, base, deadline, budget.block(), exchange);
        Span parent = Tracer.current();
        try {
            scan.worker = Thread.ofVirtual().name("sluice-input-scan-" + exchange.requestId()).start(() -> {
                try {
                    // a model this scan loads moves the request's deadline, which its thread waits with, out
                    ScannerResources.reportLoadingTo(scan.deadline.loading());
                    scan.result.complete(scan.traced(parent));
                } catch (Throwable e) {
                    scan.result.completeExceptionally(e);
                } finally {
                    permit.release();
                }
            });
        } catch (RuntimeException | Error e) {
            permit.release();
            throw e;
        }
        return scan;
    }

    /** Whether the request must wait for this scan's verdict: some rule can block it. */
    boolean holds() {
        return holds;
    }

    private Outcome traced(Span parent) {
        Span span = Tracer.startChild(parent, "sluice.input guardrails (alongside the call)");
        try (Tracer.Scope scope = span.makeCurrent()) {
            Outcome o = scan();
            span.set("sluice.guardrail.outcome", o.kind().name().toLowerCase(java.util.Locale.ROOT));
            // stopped by this request itself (its verdict is no longer wanted): nothing to cut
            if (holds && !passes(o) && !(o.kind() == Kind.STOPPED && stopped)) {
                cutCall();
            }
            return o;
        } finally {
            span.end();
        }
    }

    private Outcome scan() {
        try {
            for (int i = 0; i < messages.size(); i++) {
                String role = view.roles().get(i);
                List<Rule> applying = InputGuardStage.rulesFor(rules, role);
                if (applying.isEmpty()) {
                    continue;
                }
                ScanContext context = base.withRole(role);
                for (String text : MessageParts.texts(messages.get(i))) {
                    for (Rule rule : applying) {
                        List<Trigger> triggers;
                        try {
                            triggers = Inspection.run(List.of(rule), text, context, true, deadline);
                        } catch (ScanBudget.ClientGone | ScanBudget.Exceeded e) {
                            throw e;
                        } catch (RuntimeException e) {
                            if (rule.action() == Action.BLOCK) {
                                return new Outcome(Kind.FAILED, snapshot(), null, e);
                            }
                            // a flag rule's scanner failed: nothing to stop, the request goes on; recorded as an error
                            LOG.warn("the input guardrail '{}' failed on request {}", rule.name(), exchange.requestId(), e);
                            add(new Found(rule.name(), "error", Action.FLAG, 0, "scanner_error"));
                            continue;
                        }
                        for (Trigger t : triggers) {
                            if (t.rule().action() == Action.BLOCK && Inspection.acts(t)) {
                                add(Found.of(t, Action.BLOCK));
                                return new Outcome(Kind.BLOCKED, snapshot(), t, null);
                            }
                        }
                        for (Trigger t : triggers) {
                            add(Found.of(t, Inspection.acts(t) ? t.rule().action() : Action.FLAG));
                        }
                    }
                }
            }
            return new Outcome(Kind.PASSED, snapshot(), null, null);
        } catch (ScanBudget.ClientGone e) {
            return new Outcome(Kind.STOPPED, snapshot(), null, null);
        } catch (ScanBudget.Exceeded e) {
            return new Outcome(Kind.EXCEEDED, snapshot(), null, null);
        }
    }

    private void add(Found f) {
        synchronized (found) {
            found.add(f);
        }
    }

    private List<Found> snapshot() {
        synchronized (found) {
            return List.copyOf(found);
        }
    }

    /** The request's thread goes into the rest of the pipeline (the upstream call). */
    void enterCall() {
        synchronized (this) {
            inCall = true;
        }
    }

    /**
     * The request's thread is back from the rest of the pipeline. Returns whether this scan cut it short; the
     * interrupt it used is cleared, so nothing after this sees it.
     */
    boolean leaveCall() {
        synchronized (this) {
            inCall = false;
            if (cut) {
                Thread.interrupted();
            }
            return cut;
        }
    }

    /** The request will not pass: its answer is not wanted, and a call still running is cut short. */
    private void cutCall() {
        exchange.abandon();
        synchronized (this) {
            if (inCall && !cut) {
                cut = true;
                requester.interrupt();
            }
        }
    }

    /** Stops the scan before its next scanner (its outcome is no longer wanted). */
    void stop() {
        stopped = true;
        Thread w = worker;
        if (w != null) {
            w.interrupt();
        }
    }

    /** Whether the scan has ended. */
    boolean done() {
        return decided != null || result.isDone();
    }

    /** Whether the request passes; waits for the verdict (for {@link Exchange#inputPassed()}). */
    boolean passes() {
        return passes(await());
    }

    /** Whether an outcome lets the request through: it passed, or ran out of a budget that only flags. */
    boolean passes(Outcome o) {
        return o.kind() == Kind.PASSED || o.kind() == Kind.EXCEEDED && !budgetBlocks;
    }

    /**
     * The scan's outcome, waiting no longer than its budget: past it the scan is stopped and counts as out of
     * budget (with what it had found). The same outcome every time it is asked.
     */
    Outcome await() {
        Outcome o = decided;
        if (o != null) {
            return o;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    o = result.get(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
                    break;
                } catch (TimeoutException e) {
                    if (deadline.passed()) {
                        // what fired before the budget passed; taken before the stop, since a scanner the stop
                        // interrupts may report that as its own error (a judge's call cut short), which is the
                        // budget's doing, already recorded as scan_budget
                        List<Found> before = snapshot();
                        stop();
                        o = new Outcome(Kind.EXCEEDED, before, null, null);
                        if (holds && budgetBlocks) {
                            exchange.abandon();
                        }
                        break;
                    }
                    // a shared model was loading: the deadline moved out
                } catch (InterruptedException e) {
                    interrupted = true; // this scan's own cut, or a shutdown: the verdict is near either way
                } catch (ExecutionException e) {
                    RuntimeException failure = e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException(e.getCause());
                    o = new Outcome(Kind.FAILED, snapshot(), null, failure);
                    break;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        decided = o;
        return o;
    }
}
