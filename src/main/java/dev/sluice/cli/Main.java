package dev.sluice.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command. */
@Command(name = "sluice", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Sluice: a self-hosted LLM gateway and control plane.",
        subcommands = {DemoCommand.class, ServeCommand.class, SimCommand.class, KeysCommand.class, TeamsCommand.class,
                CacheCommand.class, UsersCommand.class, GuardCommand.class, EvalCommand.class, DatasetsCommand.class,
                LogsCommand.class, StatsCommand.class, PromptsCommand.class, ExperimentsCommand.class, ReviewsCommand.class, AlertsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        // Helidon logs through java.util.logging; send it to SLF4J with everything else.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
                    return 1;
                })
                .execute(args);
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
