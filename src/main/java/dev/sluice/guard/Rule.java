package dev.sluice.guard;

/** One scanner in a policy, with the action it triggers and the score at which it triggers. */
public record Rule(Scanner scanner, Action action, double threshold) {

    public String name() {
        return scanner.name();
    }
}
