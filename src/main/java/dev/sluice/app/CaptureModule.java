package dev.sluice.app;

import dev.sluice.config.TracingConfig;
import dev.sluice.guard.BodyRedactor;
import dev.sluice.guard.pii.PhoneDetector;
import dev.sluice.observe.BodyCapture;

/** {@code tracing.capture}: stores request and response bodies (redacted as configured) in {@link Slot#CAPTURE}. */
final class CaptureModule implements Module {
    private final TracingConfig config;
    private final StoreModule store;

    CaptureModule(TracingConfig config, StoreModule store) {
        this.config = config;
        this.store = store;
    }

    @Override
    public String name() {
        return "capture";
    }

    @Override
    public void contribute(Contributions to) {
        if (BodyCapture.enabled(config)) {
            BodyRedactor redactor = BodyRedactor.standard(PhoneDetector.DEFAULT_REGIONS);
            to.stage(Slot.CAPTURE, new BodyCapture(config, store.writers().bodies(), redactor::redact));
        }
    }
}
