package dev.sluice.guard.pii;

import dev.sluice.guard.Finding;
import java.util.List;

/** Finds one kind of entity in a text and validates each candidate (checksum, numbering plan...). */
public interface Detector {
    /** The entity type, e.g. {@code email}. */
    String type();

    /** Adds a span finding for each validated entity in {@code text}. */
    void find(String text, List<Finding> out);
}
