package dev.sluice.guard;

import java.util.function.Function;

/**
 * One scanner in a policy, with the action it triggers and the score at which it triggers.
 *
 * @param blockReason what a block says was found, given the finding types (the scanner type's)
 */
public record Rule(Scanner scanner, Action action, double threshold, Function<String, String> blockReason) {

    public String name() {
        return scanner.name();
    }
}
