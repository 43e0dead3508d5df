package dev.sluice.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Deterministic unit-length embeddings: Gaussian components seeded by the input's hash, then
 * normalised. Equal inputs get equal vectors (cosine 1); different inputs get nearly orthogonal ones.
 */
final class EmbeddingGenerator {
    private EmbeddingGenerator() {}

    static float[] vector(long hash, int dimensions) {
        SplittableRandom random = new SplittableRandom(hash);
        float[] v = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            double g = random.nextGaussian();
            v[i] = (float) g;
            norm += g * g;
        }
        double scale = 1 / Math.sqrt(norm);
        for (int i = 0; i < dimensions; i++) {
            v[i] = (float) (v[i] * scale);
        }
        return v;
    }

    static long hash(String text) {
        return Hashing.mix(Hashing.add(Hashing.start(), text));
    }

    /** The hash of a token-id input (an array of integers). */
    static long hash(JsonNode tokenIds) {
        long h = Hashing.start();
        for (JsonNode id : tokenIds) {
            h = Hashing.add(h, id.asLong());
        }
        return Hashing.mix(h);
    }

    static JsonNode floats(float[] v) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode(v.length);
        for (float f : v) {
            out.add(f);
        }
        return out;
    }

    /** OpenAI's {@code encoding_format: base64}: little-endian float32s, base64-encoded. */
    static JsonNode base64(float[] v) {
        ByteBuffer bytes = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            bytes.putFloat(f);
        }
        return TextNode.valueOf(Base64.getEncoder().encodeToString(bytes.array()));
    }
}
