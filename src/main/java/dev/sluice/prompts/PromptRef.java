package dev.sluice.prompts;

import dev.sluice.api.SluiceException;

/**
 * Which version of a prompt: {@code NAME} (the latest), {@code NAME@VERSION} or {@code NAME:LABEL}.
 *
 * @param version a version number, or null
 * @param label   a label, or null; never both
 */
public record PromptRef(String name, Integer version, String label) {

    public static PromptRef latest(String name) {
        return new PromptRef(name, null, null);
    }

    /** Parses the CLI notation; errors name {@code param}. */
    public static PromptRef parse(String text, String param) {
        if (text == null || text.isBlank()) {
            throw SluiceException.missing(param);
        }
        int at = text.indexOf('@');
        int colon = text.indexOf(':');
        if (at >= 0 && colon >= 0) {
            throw SluiceException.invalidRequest(param, "Give either NAME@VERSION or NAME:LABEL, not both: '" + text + "'.");
        }
        if (at >= 0) {
            String number = text.substring(at + 1);
            int version;
            try {
                version = Integer.parseInt(number);
            } catch (NumberFormatException e) {
                version = 0;
            }
            if (version < 1) {
                throw SluiceException.invalidRequest(param, "Invalid version '" + number + "' in '" + text
                        + "': versions are whole numbers from 1.");
            }
            return new PromptRef(PromptNames.requirePrompt(text.substring(0, at), param), version, null);
        }
        if (colon >= 0) {
            return new PromptRef(PromptNames.requirePrompt(text.substring(0, colon), param), null,
                    PromptNames.requireLabel(text.substring(colon + 1), param));
        }
        return latest(PromptNames.requirePrompt(text, param));
    }

    @Override
    public String toString() {
        return version != null ? name + "@" + version : label != null ? name + ":" + label : name;
    }
}
