package dev.sluice.cli;

import dev.sluice.app.Registries;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.ConfigSource;
import dev.sluice.config.ReloadResult;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.server.PortInUseException;
import dev.sluice.app.Gateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice serve}: runs the gateway until SIGTERM/Ctrl-C, then drains and exits 0. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the gateway. Without --config it reads ./sluice.yaml, or runs the built-in demo config.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, description = "Config file (default: ./sluice.yaml if present).")
    Path config;

    @Option(names = "--port", description = "Port to listen on, instead of the config's server.port (0: any free port).")
    Integer port;

    /** Start-up work begun beside the config read ({@link #plain} command lines only); null: none. */
    ServeWarmup warmup;

    @Override
    public Integer call() {
        if (port != null && (port < 0 || port > 65_535)) {
            System.err.println("error: --port " + port + " is not a port; use 1-65535, or 0 for any free port.");
            return 2;
        }
        ConfigSource source = source(config, port);
        SluiceConfig cfg;
        try {
            cfg = source.load();
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        String adminKey = cfg.auth().adminKey();
        boolean generated = false;
        if (adminKey == null && cfg.source().equals("built-in demo config")) {
            adminKey = new dev.sluice.auth.Secrets().newAdminKey();
            generated = true;
        }
        if (warmup != null) {
            warmup.awaitLogging();
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(cfg, adminKey, java.time.Clock.systemUTC(), source);
        } catch (PortInUseException e) {
            System.err.println("error: port " + e.port() + " is already in use. Run with --port N (or change server.port in "
                    + cfg.source() + ").");
            return 2;
        }
        // the signal handlers are in place before the line that says the gateway serves: whoever waits for that
        // line (a supervisor, a test) and then sends SIGHUP gets a reload, and SIGTERM a drain, not a signal the
        // JVM ignores (SIGHUP inherited as ignored, as under nohup) or exits on without draining
        Signals.Termination termination = Signals.onTermination();
        Gateway serving = gateway;
        boolean hangup = Signals.onHangup(() -> {
            try {
                ReloadResult r = serving.reload("sighup", "sighup", "system", null);
                (r.rejected() ? System.err : System.out).println((r.rejected() ? "error: " : "") + r.summary());
            } catch (IllegalStateException e) {
                System.err.println("error: SIGHUP: " + e.getMessage());
            }
        });
        if (!hangup) {
            System.out.println("SIGHUP is not available here: reload the config with POST /admin/config/reload.");
        }
        System.out.println("Sluice is serving " + cfg.modelNames().size() + " model(s) at " + gateway.baseUrl()
                + "  (config: " + cfg.source() + ")");
        if (generated) {
            System.out.println("Admin key (generated for this run): " + adminKey);
        } else if (adminKey == null) {
            System.out.println("Admin API is off: set auth.admin_key to manage keys.");
        }
        termination.await();
        System.out.println("Draining in-flight requests...");
        gateway.close();
        System.out.println("Stopped.");
        return 0;
    }

    /**
     * The command for {@code serve} with nothing but {@code --config}/{@code -c FILE} and {@code --port N}
     * (each at most once, as {@code --opt value} or {@code --opt=value}), parsed without picocli for a faster
     * start; null for anything else (help, other options, a bad port), which picocli then parses and reports.
     */
    static ServeCommand plain(String... args) {
        if (args.length == 0 || !args[0].equals("serve")) {
            return null;
        }
        ServeCommand serve = new ServeCommand();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            String value = name.equals(arg) ? (i + 1 < args.length ? args[++i] : null) : arg.substring(eq + 1);
            if (value == null || value.isEmpty() || value.startsWith("-")) {
                return null;
            }
            if ((name.equals("--config") || name.equals("-c")) && serve.config == null) {
                try {
                    serve.config = Path.of(value);
                } catch (java.nio.file.InvalidPathException e) {
                    return null;
                }
            } else if (name.equals("--port") && serve.port == null && value.chars().allMatch(Character::isDigit)
                    && value.length() <= 5) {
                serve.port = Integer.parseInt(value);
            } else {
                return null;
            }
        }
        return serve;
    }

    /** {@link #call()}, with an unexpected failure reported as picocli's handler in {@link Main} reports it. */
    int callReportingErrors() {
        try {
            return call();
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** The config with another server port; everything else as loaded. */
    private static SluiceConfig withPort(SluiceConfig c, int port) {
        ServerConfig s = c.server();
        return c.withServer(s.withPort(port));
    }

    static SluiceConfig load(Path explicit) {
        return source(explicit, null).load();
    }

    /** The config file (or the built-in demo config), read again on every reload, with --port applied each time. */
    static ConfigSource source(Path explicit, Integer port) {
        ConfigLoader loader = Registries.configLoader(System.getenv());
        java.util.function.UnaryOperator<SluiceConfig> overrides = port == null ? c -> c : c -> withPort(c, port);
        if (explicit != null) {
            return ConfigSource.file(loader, explicit, overrides);
        }
        Path local = Path.of("sluice.yaml");
        return Files.isRegularFile(local) ? ConfigSource.file(loader, local, overrides) : ConfigSource.demo(loader, overrides);
    }
}
