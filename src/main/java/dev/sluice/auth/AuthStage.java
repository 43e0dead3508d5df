package dev.sluice.auth;

import dev.sluice.api.SluiceException;
import dev.sluice.pipeline.Caller;
import dev.sluice.pipeline.Chain;
import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Reply;
import dev.sluice.pipeline.Stage;

/**
 * The first stage: checks that the caller (resolved from its key by {@link Callers} before the
 * request was read, and set on the exchange) may use the requested model, and names the end user
 * from the request's {@code user} field or the {@code x-sluice-user} header. An exchange that
 * nobody set a caller on is anonymous, as with auth off: only Sluice itself builds such exchanges.
 * A request that leaves its model to a stored prompt is checked by the prompt stage instead, once
 * the prompt's model is known.
 */
public final class AuthStage implements Stage {
    @Override
    public Reply handle(Exchange ex, Chain next) {
        Caller caller = ex.caller().withUser(endUser(ex));
        ex.caller(caller);
        String model = ex.requestedModel();
        // no model yet: a stored prompt will name it, and the prompt stage checks it then
        if (model != null && !caller.mayUse(model)) {
            return Reply.fail(SluiceException.forbidden("model_not_allowed", "The API key " + caller.keyId()
                    + " may not use the model '" + model + "'. It may use: " + String.join(", ", caller.allowedModels())
                    + "."));
        }
        return next.proceed(ex);
    }

    private static String endUser(Exchange ex) {
        String header = ex.header("x-sluice-user");
        if (header != null && !header.isBlank()) {
            return header;
        }
        return ex.operation() == Exchange.Operation.CHAT ? ex.chat().user() : ex.embeddings().user();
    }
}
