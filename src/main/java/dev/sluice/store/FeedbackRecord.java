package dev.sluice.store;

/**
 * One piece of user feedback on a request.
 *
 * @param kind      thumbs, boolean, number or category
 * @param valueNum  number: the score; thumbs/boolean: 1 (up/true) or 0 (down/false); category: null
 * @param valueText thumbs: up/down; boolean: true/false; category: the category; number: null
 * @param sentiment positive, negative, or neutral (numbers and categories)
 * @param endUser   who gave it (the body's user, else the rated request's user)
 * @param ratedBy   the virtual key that sent it
 */
public record FeedbackRecord(String id, long ts, String requestId, String traceId, String keyId, String team,
                             String model, String name, String kind, Double valueNum, String valueText,
                             String sentiment, String comment, String endUser, String ratedBy) {}
