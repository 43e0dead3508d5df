package dev.sluice.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SecretsTest {
    private static String reference(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @DisplayName("sha256 with pooled digests equals a fresh digest's hex for ASCII, non-ASCII, empty and long secrets")
    void sameAsAFreshDigest() throws Exception {
        Random random = new Random(7);
        List<String> inputs = new ArrayList<>(List.of("", "sk-sluice-abc", "ключ-é-🔑", "x".repeat(127), "x".repeat(128),
                "y".repeat(129), "a".repeat(1000), new Secrets().newKeySecret(), "sk-sluice-\u007f\u0080"));
        for (int i = 0; i < 2000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(200);
            for (int j = 0; j < n; j++) {
                b.append((char) (random.nextInt(10) == 0 ? random.nextInt(0x3000) : 0x20 + random.nextInt(0x5f)));
            }
            inputs.add(b.toString());
        }
        for (String s : inputs) {
            assertThat(Secrets.sha256(s)).as(s).isEqualTo(reference(s));
        }
    }

    @Test
    @DisplayName("sha256 gives each of many concurrent callers its own secret's hash")
    void concurrentCallers() throws Exception {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 64; t++) {
                int seed = t;
                results.add(pool.submit((Callable<Boolean>) () -> {
                    for (int i = 0; i < 500; i++) {
                        String s = "sk-sluice-" + seed + "-" + i;
                        if (!Secrets.sha256(s).equals(reference(s))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        }
    }
}
