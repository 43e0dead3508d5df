package dev.sluice.cli;

import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Start-up work of {@code sluice serve} that the first answer needs but the config read does not, done on a
 * background thread while the main thread reads the config (bench/README.md, "Session 9: start-up"):
 * <ul>
 *   <li>the logging set-up: the JUL → SLF4J bridge ({@code java.util.logging}'s {@code LogManager}) and SLF4J's
 *   own initialisation, whose simple logger builds a {@code SimpleDateFormat} for its time stamps — the JDK's
 *   CLDR locale provider parses every available locale's language tag for it, ~20 ms of interpreted CPU. The
 *   main thread {@linkplain #awaitLogging waits} for this part before it builds the gateway (whose classes log),
 *   so no logger is ever made before SLF4J is bound;</li>
 *   <li>{@code java.math.BigDecimal}'s class initialisation: JDK 25's computes {@code 5^(2^16)} by repeated
 *   squaring in a static table, 12–26 ms of interpreted CPU, and Jackson's parser base class holds
 *   {@code BigDecimal} constants, so the first request's JSON parse paid it on the request thread;</li>
 *   <li>Sluice's shared Jackson {@code ObjectMapper} ({@link dev.sluice.api.Json}), which the main thread otherwise
 *   built while assembling the first config generation. Its class initialisation needs Jackson's classes only, so
 *   the two threads cannot wait on each other's class initialisation.</li>
 * </ul>
 * Class initialisation is thread-safe: whichever thread comes second waits for the first, so nothing here
 * changes what runs, only on which thread and when. A failure here is ignored: the main thread then does the
 * same work as before and reports it there.
 */
final class ServeWarmup {
    private final CountDownLatch logging = new CountDownLatch(1);

    private ServeWarmup() {}

    /** Starts the work on a daemon thread; returns at once. */
    static ServeWarmup begin() {
        ServeWarmup w = new ServeWarmup();
        Thread.ofPlatform().daemon().name("sluice-warmup").start(w::run);
        return w;
    }

    private void run() {
        try {
            Main.bridgeJul();
            LoggerFactory.getILoggerFactory();
        } catch (RuntimeException | LinkageError e) {
            // the main thread's own use reports it
        } finally {
            logging.countDown();
        }
        try {
            Class.forName("java.math.BigDecimal");
            Class.forName("dev.sluice.api.Json");
        } catch (ClassNotFoundException | LinkageError e) {
            // whoever uses them first initialises them, as before
        }
    }

    /** Waits until the logging set-up is done (or failed). */
    void awaitLogging() {
        boolean interrupted = false;
        while (true) {
            try {
                logging.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
