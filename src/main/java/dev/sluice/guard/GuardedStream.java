package dev.sluice.guard;

import dev.sluice.api.ChatChunk;
import dev.sluice.api.ChunkChoice;
import dev.sluice.api.ChunkStream;
import dev.sluice.api.Delta;
import dev.sluice.api.SluiceException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Output guardrails on a stream, incrementally. Each choice's text is buffered and released only
 * up to a safe cut: {@code holdback} characters behind the newest text, moved back to a whitespace
 * boundary (a match is never split), and further back where a scanner says a match is still
 * forming (an opened private key block, an unfinished sentence for groundedness). Every release
 * scans the held text plus a tail of what was already sent (for context): redaction happens before
 * the text leaves, a block throws a {@link SluiceException} from {@link #next()} (the server turns
 * it into an in-band error event and ends the stream), so blocked content is never sent. Scanners
 * that need the whole answer (JSON schema, judge) run when the choice finishes; if one of them can
 * block, the whole answer is held until then.
 */
final class GuardedStream implements ChunkStream {
    private static final int TAIL = 128;
    private static final int MAX_RUN = 4096;
    /** Text is released in batches of at least this many characters: fewer scans, same holdback. */
    private static final int MIN_BATCH = 32;

    private final ChunkStream delegate;
    private final Policy policy;
    private final ScanContext context;
    private final Recorder recorder;
    private final int holdback;
    private final List<Rule> windowed = new ArrayList<>();
    private final List<Rule> whole = new ArrayList<>();
    private final boolean holdAll;
    private final Map<Integer, Window> windows = new HashMap<>();
    private final ArrayDeque<ChatChunk> ready = new ArrayDeque<>();
    private ChatChunk last;
    private boolean finished;
    private boolean closed;

    /** One choice's text: held (not yet sent), the tail of what was sent, and (when needed) everything. */
    private static final class Window {
        final StringBuilder pending = new StringBuilder();
        final StringBuilder all = new StringBuilder();
        String tail = "";
        long released;
        final Set<String> seen = new HashSet<>();
    }

    GuardedStream(ChunkStream delegate, Policy policy, ScanContext context, Recorder recorder, int holdback) {
        this.delegate = delegate;
        this.policy = policy;
        this.context = context;
        this.recorder = recorder;
        this.holdback = holdback;
        boolean blockingWhole = false;
        for (Rule r : policy.output()) {
            if (!r.scanner().appliesTo(context)) {
                continue;
            }
            if (r.scanner().needsWholeText()) {
                whole.add(r);
                blockingWhole |= r.action() == Action.BLOCK;
            } else {
                windowed.add(r);
            }
        }
        this.holdAll = blockingWhole;
    }

    @Override
    public ChatChunk next() {
        while (ready.isEmpty()) {
            if (finished) {
                return null;
            }
            ChatChunk chunk = delegate.next();
            if (chunk == null) {
                finished = true;
                flushRemaining();
                recorder.flush();
            } else {
                last = chunk;
                process(chunk);
            }
        }
        return ready.poll();
    }

    private void process(ChatChunk chunk) {
        List<ChunkChoice> choices = new ArrayList<>(chunk.choices().size());
        boolean carries = chunk.usage() != null;
        for (ChunkChoice c : chunk.choices()) {
            Delta d = c.delta();
            Window w = windows.computeIfAbsent(c.index(), k -> new Window());
            if (d.content() != null) {
                w.pending.append(d.content());
                if (!whole.isEmpty()) {
                    w.all.append(d.content());
                }
            }
            boolean end = c.finishReason() != null;
            String out = release(w, end);
            String content = out.isEmpty() && d.content() == null ? null : out;
            Delta nd = new Delta(d.role(), content, d.toolCalls(), d.refusal());
            if (d.role() != null || !out.isEmpty() || !d.toolCalls().isEmpty() || d.refusal() != null || end) {
                choices.add(new ChunkChoice(c.index(), nd, c.finishReason()));
                carries = true;
            }
        }
        if (carries) {
            ready.add(new ChatChunk(chunk.id(), chunk.created(), chunk.model(), choices, chunk.usage(),
                    chunk.systemFingerprint()));
        }
    }

    /** Text held when the upstream ended without finishing a choice: scan it as final and send it. */
    private void flushRemaining() {
        if (last == null) {
            return;
        }
        List<ChunkChoice> choices = new ArrayList<>();
        for (Map.Entry<Integer, Window> e : windows.entrySet()) {
            if (!e.getValue().pending.isEmpty()) {
                String out = release(e.getValue(), true);
                if (!out.isEmpty()) {
                    choices.add(new ChunkChoice(e.getKey(), Delta.text(out), null));
                }
            }
        }
        if (!choices.isEmpty()) {
            ready.add(new ChatChunk(last.id(), last.created(), last.model(), choices, null, last.systemFingerprint()));
        }
    }

    /** Scans and returns the text of {@code w} that may be sent now (redacted); throws on a block. */
    private String release(Window w, boolean end) {
        if (end && !whole.isEmpty()) {
            checkWhole(w);
        }
        String pending = w.pending.toString();
        int cut = end ? pending.length() : safeCut(w, pending);
        if (cut <= 0) {
            return "";
        }
        String window = w.tail + pending;
        int offset = w.tail.length();
        int settled = offset + cut;
        List<Trigger> triggers = Inspection.run(windowed, window, context, false);
        List<Trigger> acting = new ArrayList<>(triggers.size());
        for (Trigger t : triggers) {
            List<Finding> now = new ArrayList<>(t.findings().size());
            for (Finding f : t.findings()) {
                if (!f.isSpan()) {
                    now.add(f);
                } else if (f.end() <= offset) {
                    continue; // entirely in text already sent and handled
                } else if (f.end() <= settled || end) {
                    now.add(f);
                } else if (f.start() < settled) {
                    settled = Math.max(offset, f.start()); // still forming across the cut: hold it whole
                }
            }
            if (!now.isEmpty()) {
                acting.add(new Trigger(t.rule(), now, t.verdict()));
            }
        }
        for (Trigger t : acting) {
            if (t.rule().action() == Action.BLOCK && Inspection.acts(t)) {
                block(t);
            }
        }
        cut = settled - offset;
        List<Trigger> redacting = new ArrayList<>(acting.size());
        for (Trigger t : acting) {
            List<Finding> inRange = new ArrayList<>();
            for (Finding f : t.findings()) {
                if (!f.isSpan() || f.start() < settled) {
                    inRange.add(f);
                }
            }
            if (inRange.isEmpty()) {
                continue;
            }
            Trigger now = new Trigger(t.rule(), inRange, t.verdict());
            if (firstTime(w, now)) {
                recorder.add(now, Inspection.acts(now) ? now.rule().action() : Action.FLAG);
            }
            redacting.add(now);
        }
        String sent = pending.substring(0, cut);
        String out = sent;
        List<Redactor.Span> spans = Redactor.spans(redacting);
        if (!spans.isEmpty()) {
            List<Redactor.Span> shifted = new ArrayList<>(spans.size());
            for (Redactor.Span s : spans) {
                Finding f = s.finding();
                int start = Math.max(0, f.start() - offset);
                int stop = Math.min(cut, f.end() - offset);
                if (start < stop) {
                    shifted.add(new Redactor.Span(new Finding(f.type(), start, stop, f.score()), s.scanner()));
                }
            }
            out = Redactor.apply(sent, shifted, null);
        }
        w.pending.delete(0, cut);
        w.released += cut;
        String newTail = w.tail + sent;
        w.tail = newTail.length() > TAIL ? newTail.substring(newTail.length() - TAIL) : newTail;
        return out;
    }

    /** Where the held text may be cut now: holdback behind the end, at whitespace, before any forming match. */
    private int safeCut(Window w, String pending) {
        if (holdAll) {
            return 0;
        }
        int cut = pending.length() - holdback;
        if (cut < MIN_BATCH) {
            return 0;
        }
        int boundary = cut;
        while (boundary > 0 && !Character.isWhitespace(pending.charAt(boundary - 1))) {
            boundary--;
        }
        if (boundary > 0 || cut < MAX_RUN) {
            cut = boundary; // a run of more than MAX_RUN characters without whitespace is cut anyway
        }
        if (cut <= 0) {
            return 0;
        }
        String window = w.tail + pending;
        int offset = w.tail.length();
        for (Rule r : windowed) {
            int hold = r.scanner().holdFrom(window, context) - offset;
            if (hold < cut) {
                cut = Math.max(0, hold);
            }
        }
        return cut;
    }

    /** Whole-answer scanners (JSON schema, judge) when a choice ends. */
    private void checkWhole(Window w) {
        List<Trigger> triggers = Inspection.run(whole, w.all.toString(), context, true);
        for (Trigger t : triggers) {
            if (t.rule().action() == Action.BLOCK && Inspection.acts(t)) {
                block(t);
            }
        }
        for (Trigger t : triggers) {
            recorder.add(t, Inspection.acts(t) ? t.rule().action() : Action.FLAG);
        }
    }

    private void block(Trigger t) {
        recorder.add(t, Action.BLOCK);
        recorder.flush();
        finished = true;
        throw GuardrailBlocked.of(t, Direction.OUTPUT, policy.name());
    }

    /** Flags and redactions are recorded once per span position, whole-text findings once per stream. */
    private static boolean firstTime(Window w, Trigger t) {
        boolean fresh = false;
        for (Finding f : t.findings()) {
            String key = t.rule().name() + (f.isSpan() ? "@" + (w.released - w.tail.length() + f.start()) : "#" + f.type());
            fresh |= w.seen.add(key);
        }
        return fresh;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            recorder.flush();
            delegate.close();
        }
    }
}
