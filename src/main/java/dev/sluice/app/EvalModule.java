package dev.sluice.app;

import dev.sluice.admin.DatasetsAdmin;
import dev.sluice.admin.EvalsAdmin;
import dev.sluice.eval.store.Datasets;
import dev.sluice.store.RequestSearch;
import dev.sluice.eval.store.EvalRuns;

/**
 * Evaluations: stored runs of {@code sluice eval} ({@code /admin/evals}) and datasets ({@code /admin/datasets});
 * runs expire after {@code retention.eval_runs}; erasing an end user deletes the dataset items grown from their
 * requests and scrubs the stored runs' cases that came from them.
 */
final class EvalModule implements Module {
    private final StoreModule store;
    private final AuthModule auth;
    private final EvalRuns runs;

    EvalModule(StoreModule store, AuthModule auth, RetentionModule retention, dev.sluice.config.RetentionConfig config) {
        this.store = store;
        this.auth = auth;
        this.runs = new EvalRuns(store.database());
        for (String table : java.util.List.of("eval_runs", "eval_run_prompts", "eval_run_users")) {
            retention.retention().add(table, "created_at", false, config.evalRuns());
        }
        store.erasure().addCopy("eval_run_cases", runs::eraseUser);
        store.erasure().add("eval_dataset_items", "end_user");
    }

    /** The stored runs (the rollout gate reads them). */
    EvalRuns runs() {
        return runs;
    }

    @Override
    public String name() {
        return "evals";
    }

    @Override
    public void contribute(Contributions to) {
        to.endpoints(new EvalsAdmin(auth.adminGuard(), runs));
        to.endpoints(new DatasetsAdmin(auth.adminGuard(), new Datasets(store.database()), new RequestSearch(store.database())));
    }
}
