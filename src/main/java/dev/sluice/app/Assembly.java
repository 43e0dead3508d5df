package dev.sluice.app;

import dev.sluice.pipeline.Exchange;
import dev.sluice.pipeline.Stage;
import dev.sluice.server.Endpoints;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Collects the modules' contributions, then hands them out in the order the gateway needs. */
final class Assembly implements Contributions {
    private final Map<Slot, List<Stage>> stages = new EnumMap<>(Slot.class);
    private final List<Exchange.CompletionListener> listeners = new ArrayList<>();
    private final List<Endpoints> endpoints = new ArrayList<>();
    private final Map<String, BooleanSupplier> readiness = new LinkedHashMap<>();

    @Override
    public void stage(Slot slot, Stage stage) {
        stages.computeIfAbsent(slot, s -> new ArrayList<>()).add(stage);
    }

    @Override
    public void listener(Exchange.CompletionListener listener) {
        listeners.add(listener);
    }

    @Override
    public void endpoints(Endpoints more) {
        endpoints.add(more);
    }

    @Override
    public void readiness(String name, BooleanSupplier healthy) {
        if (readiness.putIfAbsent(name, healthy) != null) {
            throw new IllegalStateException("two readiness checks named '" + name + "'");
        }
    }

    /** The pipeline's stages, slot by slot; the terminal stage (one router) last. */
    List<Stage> pipeline() {
        List<Stage> route = stages.getOrDefault(Slot.ROUTE, List.of());
        if (route.size() != 1) {
            throw new IllegalStateException("the pipeline needs exactly one stage in slot ROUTE, got " + route.size());
        }
        List<Stage> out = new ArrayList<>();
        stages.forEach((slot, list) -> out.addAll(list));
        return out;
    }

    /** The stages contributed so far, slot by slot (slots in pipeline order). */
    Map<Slot, List<Stage>> stages() {
        return stages;
    }

    List<Exchange.CompletionListener> listeners() {
        return listeners;
    }

    List<Endpoints> endpoints() {
        return endpoints;
    }

    Map<String, BooleanSupplier> readiness() {
        return readiness;
    }
}
