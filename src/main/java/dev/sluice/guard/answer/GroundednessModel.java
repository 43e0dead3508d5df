package dev.sluice.guard.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Logistic regression over a sentence's {@link SentenceSupport} evidence: the probability that it
 * is not supported by the context. Fitted by {@code sluice guard train-model --task groundedness}
 * on the train split of the public groundedness set; the operating point (chosen on val) maps to
 * 0.5 in {@link #score}, the rule's default threshold.
 */
public record GroundednessModel(double[] weights, double bias, double operatingPoint, ObjectNode header) {
    public static final String RESOURCE = "/dev/sluice/guard/groundedness-model.json";

    public double probability(double[] features) {
        double z = bias;
        for (int i = 0; i < weights.length; i++) {
            z += weights[i] * features[i];
        }
        return 1 / (1 + Math.exp(-z));
    }

    public double score(double[] features) {
        double p = probability(features);
        double op = operatingPoint;
        return p >= op ? 0.5 + 0.5 * (p - op) / (1 - op) : 0.5 * p / op;
    }

    public ObjectNode toJson() {
        ObjectNode json = header == null ? Json.object() : header.deepCopy();
        ArrayNode names = json.putArray("features");
        SentenceSupport.FEATURES.forEach(names::add);
        ArrayNode w = json.putArray("weights");
        for (double v : weights) {
            w.add(Math.round(v * 1e6) / 1e6);
        }
        json.put("bias", Math.round(bias * 1e6) / 1e6);
        json.put("operating_point", Math.round(operatingPoint * 1e6) / 1e6);
        return json;
    }

    public static GroundednessModel load() {
        try (InputStream in = GroundednessModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the groundedness model is missing from the jar: " + RESOURCE);
            }
            JsonNode json = Json.MAPPER.readTree(in);
            double[] w = new double[json.get("weights").size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = json.get("weights").get(i).asDouble();
            }
            return new GroundednessModel(w, json.get("bias").asDouble(), json.get("operating_point").asDouble(),
                    (ObjectNode) json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
