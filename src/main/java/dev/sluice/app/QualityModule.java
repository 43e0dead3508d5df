package dev.sluice.app;

import dev.sluice.admin.QualityAdmin;
import dev.sluice.config.QualityConfig;
import dev.sluice.quality.ModelWatch;
import dev.sluice.store.ModelChangeRepository;
import java.time.Clock;

/** {@code quality:}: watching deployments for silent model changes; {@code /admin/quality/*}. */
final class QualityModule implements Module {
    private final ModelChangeRepository changes;
    private final ModelWatch watch;
    private final AuthModule auth;

    QualityModule(QualityConfig config, StoreModule store, AlertsModule alerts, AuthModule auth, Clock clock) {
        this.auth = auth;
        this.changes = new ModelChangeRepository(store.database());
        QualityConfig.ModelChange mc = config.modelChange();
        this.watch = mc.enabled() ? new ModelWatch(changes, alerts.sink(), clock, mc.confirmAfter(), mc.trackFingerprint())
                : null;
    }

    @Override
    public String name() {
        return "quality";
    }

    @Override
    public void contribute(Contributions to) {
        if (watch != null) {
            to.listener(watch);
        }
        to.endpoints(new QualityAdmin(auth.adminGuard(), changes));
    }
}
