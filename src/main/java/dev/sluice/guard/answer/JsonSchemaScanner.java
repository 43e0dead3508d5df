package dev.sluice.guard.answer;

import dev.sluice.guard.Finding;
import dev.sluice.guard.ScanContext;
import dev.sluice.guard.Scanner;
import dev.sluice.quality.ResponseFormatCheck;
import java.util.List;

/**
 * The answer must be what {@code response_format} asked for: a JSON object for
 * {@code json_object}, an instance of the schema for {@code json_schema} ({@link ResponseFormatCheck},
 * shared with the router's quality fallback).
 */
public final class JsonSchemaScanner implements Scanner {
    private final ResponseFormatCheck check = new ResponseFormatCheck();
    private final boolean reask;

    public JsonSchemaScanner(boolean reask) {
        this.reask = reask;
    }

    @Override
    public String name() {
        return "json_schema";
    }

    /** Whether one re-ask (with the validation errors) is allowed before the action applies. */
    public boolean reask() {
        return reask;
    }

    @Override
    public boolean appliesTo(ScanContext context) {
        return ResponseFormatCheck.asksForJson(context.responseFormat());
    }

    @Override
    public boolean needsWholeText() {
        return true;
    }

    @Override
    public List<Finding> scan(String text, ScanContext context) {
        List<String> errors = errors(text, context);
        return errors.isEmpty() ? List.of() : List.of(Finding.whole(errors.getFirst().startsWith("not JSON")
                ? "not_json" : "schema_mismatch", 1.0));
    }

    /** What is wrong with the answer, for the re-ask message; empty when it is valid or nothing was asked. */
    public List<String> errors(String text, ScanContext context) {
        return check.errors(text, context.responseFormat());
    }
}
