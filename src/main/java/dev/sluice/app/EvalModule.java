package dev.sluice.app;

import dev.sluice.admin.DatasetsAdmin;
import dev.sluice.admin.EvalsAdmin;
import dev.sluice.eval.store.Datasets;
import dev.sluice.store.RequestSearch;
import dev.sluice.eval.store.EvalRuns;

/** Evaluations: stored runs of {@code sluice eval} ({@code /admin/evals}) and datasets ({@code /admin/datasets}). */
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
        to.endpoints(new DatasetsAdmin(auth.adminGuard(), new Datasets(store.database()), new RequestSearch(store.database())));
    }
}
