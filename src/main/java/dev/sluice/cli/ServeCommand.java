package dev.sluice.cli;

import dev.sluice.app.Registries;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.SluiceConfig;
import dev.sluice.server.Gateway;
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

    @Override
    public Integer call() {
        SluiceConfig cfg;
        try {
            cfg = load(config);
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
        Gateway gateway = Gateway.start(cfg, adminKey, java.time.Clock.systemUTC());
        System.out.println("Sluice is serving " + cfg.modelNames().size() + " model(s) at " + gateway.baseUrl()
                + "  (config: " + cfg.source() + ")");
        if (generated) {
            System.out.println("Admin key (generated for this run): " + adminKey);
        } else if (adminKey == null) {
            System.out.println("Admin API is off: set auth.admin_key to manage keys.");
        }
        Signals.awaitTermination();
        System.out.println("Draining in-flight requests...");
        gateway.close();
        System.out.println("Stopped.");
        return 0;
    }

    static SluiceConfig load(Path explicit) {
        ConfigLoader loader = Registries.configLoader(System.getenv());
        if (explicit != null) {
            return loader.load(explicit);
        }
        Path local = Path.of("sluice.yaml");
        return Files.isRegularFile(local) ? loader.load(local) : loader.loadDemo();
    }
}
