package dev.sluice.observe.otlp;

/** A request the OTLP endpoint cannot use as a whole (not one bad span): answered 400. */
public final class OtlpException extends RuntimeException {
    public OtlpException(String message) {
        super(message);
    }

    public OtlpException(String message, Throwable cause) {
        super(message, cause);
    }
}
