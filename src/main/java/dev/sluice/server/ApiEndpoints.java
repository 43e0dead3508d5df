package dev.sluice.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.api.ChatRequestCodec;
import dev.sluice.api.EmbeddingCodec;
import dev.sluice.api.Json;
import dev.sluice.api.SluiceException;
import dev.sluice.observe.RequestLogger;
import dev.sluice.observe.RequestSpan;
import dev.sluice.trace.Span;
import dev.sluice.trace.Tracer;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.Reply;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Map;

/**
 * The OpenAI-compatible surface: {@code /v1/chat/completions}, {@code /v1/embeddings},
 * {@code /v1/models} and {@code /v1/models/{model}}. Each request becomes an {@link Exchange} that is logged when complete,
 * including requests refused before they reach the pipeline (bad JSON, too large).
 */
public final class ApiEndpoints implements Endpoints {
    private static final Logger LOG = LoggerFactory.getLogger(ApiEndpoints.class);
    private final PipelineSource pipelines;
    private final RequestLogger requestLogger;
    private final Tracer tracer;
    private final List<Exchange.CompletionListener> listeners;
    private final Guard<Caller> callers;
    private final long maxBodyBytes;
    private final long startedEpochSeconds = System.currentTimeMillis() / 1000;

    /**
     * @param listeners more work for every completed exchange (metrics, body capture), after the
     *                  request log and the root span
     * @param pipelines the pipeline each request runs on (a config reload swaps it; a request keeps the one it
     *                  started with until its response is complete)
     */
    public ApiEndpoints(PipelineSource pipelines, RequestLogger requestLogger, Tracer tracer,
                        List<Exchange.CompletionListener> listeners, Guard<Caller> callers, long maxBodyBytes) {
        this.pipelines = pipelines;
        this.requestLogger = requestLogger;
        this.tracer = tracer;
        this.listeners = List.copyOf(listeners);
        this.callers = callers;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(Routes routes) {
        routes.drained().guardedBy(callers)
                .post("/v1/chat/completions", this::chat)
                .post("/v1/embeddings", this::embeddings)
                .get("/v1/models", this::models)
                .get("/v1/models/{model}", this::model);
    }

    private void chat(HttpCall call) {
        handle(call, Exchange.Operation.CHAT);
    }

    private void embeddings(HttpCall call) {
        handle(call, Exchange.Operation.EMBEDDINGS);
    }

    private void handle(HttpCall call, Exchange.Operation operation) {
        // the config generation this request started with serves it to its last byte and listener
        try (PipelineSource.Lease lease = pipelines.acquire()) {
            handle(call, operation, lease.pipeline());
        }
    }

    private void handle(HttpCall call, Exchange.Operation operation, Pipeline pipeline) {
        Map<String, String> headers = call.headers();
        // latency and TTFT from the moment the event loop had read the request, its wait for a carrier included
        Exchange ex = new Exchange(call.requestId(), operation, headers, call.receivedNanos());
        ex.clientGone(call::clientGone); // guardrail scans and streams stop once the client has gone
        // the root span joins the client's trace when it sent a traceparent
        Span root = tracer.startRoot(operation == Exchange.Operation.CHAT ? "chat" : "embeddings", Span.Kind.SERVER,
                headers);
        RequestSpan requestSpan = new RequestSpan(root);
        ex.traceId(root.isValid() ? root.traceId() : null);
        ex.sessionId(HttpIo.session(headers));
        // listeners run in reverse order: the root span ends, then the log row carries its store row
        ex.onComplete(requestLogger.carrying(root));
        if (root.isRecording()) {
            ex.onComplete(requestSpan);
        }
        for (Exchange.CompletionListener listener : listeners) {
            ex.onComplete(listener);
        }
        try (Tracer.Scope scope = root.makeCurrent()) {
            try {
                // who is calling was resolved before the body was read: a refused key is not read at all
                ex.caller(caller(call));
                requestSpan.caller(ex.caller());
                HttpIo.checkHeaders(headers);
                byte[] body = call.body(maxBodyBytes);
                if (operation == Exchange.Operation.CHAT) {
                    ChatRequestCodec.Read read = ChatRequestCodec.readForwarding(body);
                    ex.chat(read.request(), read.forwardable() ? body : null);
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

    /** The caller the route's guard resolved; a failure to resolve it (store down) is an internal error. */
    private Caller caller(HttpCall call) {
        try {
            return call.context().principal(callers);
        } catch (SluiceException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("request {}: the caller's key could not be checked", call.requestId(), e);
            throw SluiceException.internal("Sluice hit an internal error handling this request (request id "
                    + call.requestId() + "); it has been logged.", e);
        }
    }

    /** The public model names, narrowed to those the caller's key may use. */
    private void models(HttpCall call) {
        Caller visible = caller(call);
        List<String> modelNames = modelNames();
        call.sendJson(200, Json.write(gen -> {
            gen.writeStartObject();
            gen.writeStringField("object", "list");
            gen.writeArrayFieldStart("data");
            for (String name : modelNames) {
                if (visible.mayUse(name)) {
                    writeModel(gen, name);
                }
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }));
    }

    /**
     * One model, as OpenAI's {@code GET /v1/models/{model}} answers (the SDKs' {@code models.retrieve}): a name the
     * gateway serves and the caller's key may use, else the same 404 a chat call naming it gets.
     */
    private void model(HttpCall call) {
        Caller visible = caller(call);
        String name = call.pathParam("model");
        if (!modelNames().contains(name) || !visible.mayUse(name)) {
            throw SluiceException.modelNotFound(name);
        }
        call.sendJson(200, Json.write(gen -> writeModel(gen, name)));
    }

    private List<String> modelNames() {
        try (PipelineSource.Lease lease = pipelines.acquire()) {
            return lease.modelNames();
        }
    }

    private void writeModel(JsonGenerator gen, String name) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("id", name);
        gen.writeStringField("object", "model");
        gen.writeNumberField("created", startedEpochSeconds);
        gen.writeStringField("owned_by", "sluice");
        gen.writeEndObject();
    }
}
