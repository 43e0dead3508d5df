package dev.sluice.guard.toxicity;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sluice.threads.OffCarrier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A text classifier exported to ONNX (for example a BERT toxicity model) loaded from a configured
 * path with its {@code tokenizer.json}; onnxruntime comes with LangChain4j and the tokenizer is
 * DJL's Hugging Face tokenizer. The model's first output must be logits of shape [1, labels].
 * With a label named like {@code non_toxic}/{@code neutral} the logits are a softmax and the score
 * is one minus that label's probability; otherwise each label is independent (sigmoid) and the
 * highest counts.
 */
public final class OnnxTextClassifier implements AutoCloseable {
    private static final int MAX_TOKENS = 512;

    /** A score and the label that gave it. */
    public record Score(String label, double score) {}

    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final List<String> labels;
    private final int neutral;

    public OnnxTextClassifier(Path model, Path tokenizerJson, List<String> labels) {
        try {
            this.env = OrtEnvironment.getEnvironment();
            this.session = env.createSession(model.toString(), new OrtSession.SessionOptions());
            this.tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson).optTruncation(true)
                    .optMaxLength(MAX_TOKENS).build();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load the ONNX model " + model + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the tokenizer " + tokenizerJson, e);
        }
        this.labels = List.copyOf(labels);
        int n = -1;
        for (int i = 0; i < labels.size(); i++) {
            String l = labels.get(i).toLowerCase(Locale.ROOT);
            if (l.startsWith("non") || l.startsWith("not") || l.equals("neutral") || l.equals("ok") || l.equals("safe")) {
                n = i;
            }
        }
        this.neutral = n;
    }

    public Score score(String text) {
        Encoding enc = tokenizer.encode(text);
        long[] ids = enc.getIds();
        long[] mask = enc.getAttentionMask();
        long[] types = enc.getTypeIds();
        long[] shape = {1, ids.length};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (String name : session.getInputNames()) {
                long[] data = name.contains("mask") ? mask : name.contains("type") ? types : ids;
                inputs.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape));
            }
            // ONNX Runtime is native code: the inference must not hold a virtual caller's carrier (OffCarrier)
            float[][] logits = OffCarrier.call(() -> {
                try (OrtSession.Result result = session.run(inputs)) {
                    return (float[][]) result.get(0).getValue();
                }
            });
            return fromLogits(logits[0]);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {   // OrtException, from creating the tensors or from the inference
            throw new IllegalStateException("the ONNX classifier failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private Score fromLogits(float[] logits) {
        if (neutral >= 0) {
            double max = Double.NEGATIVE_INFINITY;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            double sum = 0;
            for (float l : logits) {
                sum += Math.exp(l - max);
            }
            double pNeutral = Math.exp(logits[neutral] - max) / sum;
            int best = -1;
            for (int i = 0; i < logits.length; i++) {
                if (i != neutral && (best < 0 || logits[i] > logits[best])) {
                    best = i;
                }
            }
            return new Score(label(best), 1 - pNeutral);
        }
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return new Score(label(best), 1 / (1 + Math.exp(-logits[best])));
    }

    private String label(int i) {
        return i >= 0 && i < labels.size() ? labels.get(i) : "label_" + i;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing at shutdown; nothing to do
        }
        tokenizer.close();
    }
}
