package dev.sluice.quality;

import dev.sluice.alert.Alert;
import dev.sluice.alert.AlertChannel;
import dev.sluice.pipeline.Exchange;
import dev.sluice.store.ModelChangeRepository;
import dev.sluice.store.ModelChangeRepository.Change;
import dev.sluice.store.ModelChangeRepository.Identity;
import dev.sluice.store.StoreException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when a deployment starts answering with another model (the response's {@code model},
 * i.e. {@code gen_ai.response.model}, and optionally its {@code system_fingerprint}) while the
 * configuration still names the same upstream model: a provider swapped what is behind a name.
 * A completion listener; a new identity must be seen on {@code confirmAfter} answers in a row
 * before it counts, so one odd answer does not alert. The confirmed identity lives in the store,
 * so every node agrees on it and exactly one records and alerts each change.
 */
public final class ModelWatch implements Exchange.CompletionListener {
    private static final Logger LOG = LoggerFactory.getLogger(ModelWatch.class);
    /** Deployments come from the config, so this only bounds a misbehaving upstream's inventions. */
    static final int MAX_DEPLOYMENTS = 10_000;

    private final ModelChangeRepository repository;
    private final AlertChannel alerts;
    private final Clock clock;
    private final int confirmAfter;
    private final boolean trackFingerprint;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** What this node knows of one deployment. */
    private static final class State {
        Identity confirmed;
        Identity candidate;
        int seen;
    }

    public ModelWatch(ModelChangeRepository repository, AlertChannel alerts, Clock clock, int confirmAfter,
                      boolean trackFingerprint) {
        this.repository = repository;
        this.alerts = alerts;
        this.clock = clock;
        this.confirmAfter = confirmAfter;
        this.trackFingerprint = trackFingerprint;
    }

    @Override
    public void completed(Exchange ex) {
        if (ex.responseModel() == null || ex.status() != 200 || ex.provider() == null || ex.upstreamModel() == null) {
            return;
        }
        String deployment = ex.provider() + "/" + ex.upstreamModel();
        if (!states.containsKey(deployment) && states.size() >= MAX_DEPLOYMENTS) {
            return;
        }
        Identity seen = new Identity(ex.responseModel(), trackFingerprint ? ex.systemFingerprint() : "");
        State state = states.computeIfAbsent(deployment, d -> new State());
        try {
            observe(deployment, ex.provider(), ex.upstreamModel(), seen, state);
        } catch (StoreException e) {
            LOG.warn("model watch: cannot read or write deployment {}: {}", deployment, e.getMessage());
        }
    }

    private void observe(String deployment, String provider, String upstreamModel, Identity seen, State state) {
        Optional<Change> change;
        synchronized (state) {
            if (state.confirmed == null) {
                state.confirmed = repository.current(deployment).orElse(null);
                if (state.confirmed == null) {
                    repository.first(deployment, seen, clock.millis());
                    state.confirmed = repository.current(deployment).orElse(seen);
                }
            }
            if (seen.equals(state.confirmed)) {
                state.candidate = null;
                state.seen = 0;
                return;
            }
            if (seen.equals(state.candidate)) {
                state.seen++;
            } else {
                state.candidate = seen;
                state.seen = 1;
            }
            if (state.seen < confirmAfter) {
                return;
            }
            Identity from = state.confirmed;
            change = repository.claim(deployment, provider, upstreamModel, from, seen, clock.millis());
            // claimed here or by another node: either way the store now holds the new identity
            state.confirmed = change.isPresent() ? seen : repository.current(deployment).orElse(seen);
            state.candidate = null;
            state.seen = 0;
        }
        change.ifPresent(this::announce);
    }

    private void announce(Change c) {
        LOG.warn("model change: deployment {} now answers as {} (was {})", c.deployment(), c.to(), c.from());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", "model_change");
        details.put("deployment", c.deployment());
        details.put("from_model", c.from().model());
        details.put("to_model", c.to().model());
        if (!c.from().fingerprint().isEmpty() || !c.to().fingerprint().isEmpty()) {
            details.put("from_fingerprint", c.from().fingerprint());
            details.put("to_fingerprint", c.to().fingerprint());
        }
        alerts.send(new Alert("P2", "Model changed behind " + c.deployment() + ": " + c.from() + " -> " + c.to(),
                "The upstream now answers requests for " + c.deployment() + " as " + c.to() + " instead of " + c.from()
                        + ". Compare quality before and after at GET /admin/quality/model-changes.", details));
    }
}
