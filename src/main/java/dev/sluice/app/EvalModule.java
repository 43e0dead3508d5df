package dev.sluice.app;

import dev.sluice.admin.EvalsAdmin;
import dev.sluice.eval.store.EvalRuns;

/** Evaluations: stored runs of {@code sluice eval} and {@code /admin/evals}. */
final class EvalModule implements Module {
    private final StoreModule store;
    private final AuthModule auth;

    EvalModule(StoreModule store, AuthModule auth) {
        this.store = store;
        this.auth = auth;
    }

    @Override
    public String name() {
        return "evals";
    }

    @Override
    public void contribute(Contributions to) {
        to.endpoints(new EvalsAdmin(auth.adminGuard(), new EvalRuns(store.database())));
    }
}
