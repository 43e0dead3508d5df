package dev.sluice.sim;

/** What every endpoint of one simulator shares. Built once by {@link Simulator#start}. */
record SimContext(SimOptions options, RequestLog log, Dice dice, Ids ids, ModelCatalog models) {

    static SimContext create(SimOptions options) {
        return new SimContext(options, new RequestLog(options.recordLimit()), new Dice(options.seed()),
                new Ids(options.seed()), new ModelCatalog());
    }
}
