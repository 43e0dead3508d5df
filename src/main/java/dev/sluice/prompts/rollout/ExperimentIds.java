package dev.sluice.prompts.rollout;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Experiment ids: a kind prefix ({@code ab_}, {@code ro_}, {@code sh_}) and 64 random bits in hex. */
final class ExperimentIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ExperimentIds() {}

    static String next(String prefix) {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }
}
