package dev.sluice.server;

import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.EmbeddingCodec;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.auth.AuthStage;
import dev.sluice.auth.KeyService;
import dev.sluice.auth.TeamService;
import dev.sluice.observe.RequestLogger;
import dev.sluice.observe.RequestSpan;
import dev.sluice.observe.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.Reply;
import dev.sluice.store.KeyRow;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI-compatible surface: {@code /v1/chat/completions}, {@code /v1/embeddings},
 * {@code /v1/models}. Each request becomes an {@link Exchange} that is logged when complete,
 * including requests refused before they reach the pipeline (bad JSON, too large).
 */
public final class ApiEndpoints implements Endpoints {
    private final Pipeline pipeline;
    private final RequestLogger requestLogger;
    private final Tracer tracer;
    private final List<Exchange.CompletionListener> listeners;
    private final KeyService keys;
    private final TeamService teams;
    private final boolean authEnabled;
    private final List<String> modelNames;
    private final long maxBodyBytes;
    private final long startedEpochSeconds = System.currentTimeMillis() / 1000;

    /**
     * @param listeners more work for every completed exchange (metrics, body capture), after the
     *                  request log and the root span
     */
    public ApiEndpoints(Pipeline pipeline, RequestLogger requestLogger, Tracer tracer, List<Exchange.CompletionListener> listeners,
                 KeyService keys, TeamService teams, boolean authEnabled, List<String> modelNames, long maxBodyBytes) {
        this.pipeline = pipeline;
        this.requestLogger = requestLogger;
        this.tracer = tracer;
        this.listeners = List.copyOf(listeners);
        this.keys = keys;
        this.teams = teams;
        this.authEnabled = authEnabled;
        this.modelNames = List.copyOf(modelNames);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.drained()
                .post("/v1/chat/completions", this::chat)
                .post("/v1/embeddings", this::embeddings)
                .get("/v1/models", this::models);
    }

    private void chat(HttpCall call) {
        handle(call, Exchange.Operation.CHAT);
    }

    private void embeddings(HttpCall call) {
        handle(call, Exchange.Operation.EMBEDDINGS);
    }

    private void handle(HttpCall call, Exchange.Operation operation) {
        Map<String, String> headers = call.headers();
        Exchange ex = new Exchange(call.requestId(), operation, headers);
        // the root span joins the client's trace when it sent a traceparent
        Span root = tracer.spanBuilder(operation == Exchange.Operation.CHAT ? "chat" : "embeddings")
                .setParent(Tracing.extract(headers)).setSpanKind(SpanKind.SERVER).startSpan();
        RequestSpan requestSpan = new RequestSpan(root);
        ex.traceId(root.getSpanContext().isValid() ? root.getSpanContext().getTraceId() : null);
        ex.sessionId(HttpIo.session(headers));
        ex.onComplete(requestLogger);
        ex.onComplete(requestSpan);
        for (Exchange.CompletionListener listener : listeners) {
            ex.onComplete(listener);
        }
        try (Scope scope = root.makeCurrent()) {
            try {
                byte[] body = call.body(maxBodyBytes);
                if (operation == Exchange.Operation.CHAT) {
                    ex.chat(ChatRequestCodec.read(body));
                } else {
                    ex.embeddings(EmbeddingCodec.readRequest(body));
                }
                ex.tags(HttpIo.tags(headers, ex));
            } catch (SluiceException e) {
                ReplyWriter.fail(ex, call, e);
                return;
            }
            requestSpan.requested(ex);
            Reply reply = pipeline.execute(ex);
            ReplyWriter.write(ex, reply, call);
        }
    }

    /** The public model names, narrowed to those the caller's key may use. */
    private void models(HttpCall call) {
        Map<String, String> headers = call.headers();
        Caller caller = Caller.ANONYMOUS;
        if (authEnabled) {
            try {
                KeyRow key = keys.authenticate(AuthStage.bearer(headers.get("authorization")));
                caller = AuthStage.callerOf(key, null, teams);
            } catch (SluiceException e) {
                call.sendError(e);
                return;
            }
        }
        final Caller visible = caller;
        call.sendJson(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "list");
            gen.writeArrayFieldStart("data");
            for (String name : modelNames) {
                if (visible.mayUse(name)) {
                    gen.writeStartObject();
                    gen.writeStringField("id", name);
                    gen.writeStringField("object", "model");
                    gen.writeNumberField("created", startedEpochSeconds);
                    gen.writeStringField("owned_by", "sluice");
                    gen.writeEndObject();
                }
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }));
    }
}
