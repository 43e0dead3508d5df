package dev.sluice.cli;

import dev.sluice.threads.Carriers;
import java.util.List;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sluice} command. Its subcommands are added in {@link #run}, not listed in the annotation:
 * picocli builds the model of every listed command (and of their subcommands) by reflection before
 * it parses anything, ~250 ms of a cold start, so a command line that names a subcommand gets only
 * that one (help, version and anything unknown get them all). The plainest {@code serve} command lines
 * skip picocli altogether ({@link ServeCommand#plain}): its classes are compiled for Java 5, which the
 * JVM's AOT cache cannot hold, so they are loaded and verified anew at every start (~0.2 s of CPU).
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Sluice: a self-hosted LLM gateway and control plane.")
public final class Main implements Runnable {
    /** The subcommands, in the order the help lists them. */
    static final List<Class<?>> COMMANDS = List.of(DemoCommand.class, ServeCommand.class, SimCommand.class,
            KeysCommand.class, TeamsCommand.class, CacheCommand.class, UsersCommand.class, GuardCommand.class,
            EvalCommand.class, DatasetsCommand.class, LogsCommand.class, StatsCommand.class, PromptsCommand.class,
            ExperimentsCommand.class, ReviewsCommand.class, AlertsCommand.class, RolloutsCommand.class,
            CommandLine.HelpCommand.class);

    public static void main(String[] args) {
        Carriers.configure();   // before any virtual thread starts
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        ServeCommand serve = ServeCommand.plain(args);
        if (serve != null) {
            // the logging set-up runs beside the config read (ServeWarmup); the gateway waits for it
            serve.warmup = ServeWarmup.begin();
            return serve.callReportingErrors();
        }
        bridgeJul();
        CommandLine root = new CommandLine(new Main());
        for (Class<?> command : commandsFor(args)) {
            root.addSubcommand(command);
        }
        return root.setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
                    return 1;
                })
                .execute(args);
    }

    /** java.util.logging (the simulator's Helidon, the JDK) goes to SLF4J with everything else. */
    static void bridgeJul() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    /** The one subcommand the first argument names, or all of them ({@code help <command>}, options, a typo). */
    static List<Class<?>> commandsFor(String... args) {
        if (args.length > 0) {
            for (Class<?> command : COMMANDS.subList(0, COMMANDS.size() - 1)) {
                Command c = command.getAnnotation(Command.class);
                if (c.name().equals(args[0]) || List.of(c.aliases()).contains(args[0])) {
                    return List.of(command);
                }
            }
        }
        return COMMANDS;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"sluice " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
