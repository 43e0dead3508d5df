package dev.sluice.threads;

/**
 * How many carrier threads run the gateway's virtual threads. The JDK's default is one per core,
 * beside Netty's event loops (also one per core), so on two cores four busy threads take turns and
 * most hand-offs of a request wake a sleeping carrier. Half as many carriers as cores measured
 * +20–58% requests a second and −19–41% CPU a request on two cores (bench/README.md, "Session 10"
 * and "Session 11: one carrier"); it needs every native call off the carriers ({@link OffCarrier}).
 * Larger machines were not measured: the same rule is used there. An operator's own
 * {@code -Djdk.virtualThreadScheduler.parallelism} is kept.
 */
public final class Carriers {
    static final String PROPERTY = "jdk.virtualThreadScheduler.parallelism";

    private Carriers() {
    }

    /**
     * Sets the carrier count unless the JVM was given one. Must run before the first virtual thread
     * starts: the JDK reads the property once, when it builds its scheduler.
     */
    public static void configure() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, Integer.toString(forCores(Runtime.getRuntime().availableProcessors())));
        }
    }

    static int forCores(int cores) {
        return Math.max(1, cores / 2);
    }
}
