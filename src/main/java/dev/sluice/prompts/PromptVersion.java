package dev.sluice.prompts;

/**
 * One immutable version of a prompt.
 *
 * @param contentHash SHA-256 of the content's canonical JSON
 * @param message     the commit message, or null
 * @param author      who created it (admin key id or user)
 * @param createdAt   epoch milliseconds
 */
public record PromptVersion(String prompt, int version, PromptContent content, String contentHash, String message,
                            String author, long createdAt) {

    /** {@code NAME@VERSION}, as in the {@code x-sluice-prompt} header. */
    public String ref() {
        return prompt + "@" + version;
    }
}
