package dev.sluice.alert;

/**
 * Something an operator should know about.
 *
 * @param priority P1 (act now) to P3 (for information)
 * @param title    one line, e.g. "Budget 80% used: key key_ab12 (daily)"
 * @param message  what is wrong and where to look
 */
public record Alert(String priority, String title, String message) {}
