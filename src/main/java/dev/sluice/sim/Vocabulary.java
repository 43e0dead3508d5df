package dev.sluice.sim;

import java.util.List;

/**
 * Ordinary English words, each chosen so that " word", "Word" and " Word" are exactly one token
 * in o200k_base (VocabularyTest checks it). Generated answers are therefore exactly as many
 * tokens as pieces, and a streamed piece is a real token.
 */
final class Vocabulary {
    static final List<String> WORDS = List.of(
            "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on",
            "not", "this", "are", "or", "from", "at", "which", "but", "have", "an", "they", "you", "were",
            "there", "been", "one", "all", "we", "their", "has", "would", "when", "if", "will", "more", "no",
            "out", "so", "what", "up", "its", "about", "into", "than", "them", "can", "only", "other", "new",
            "some", "could", "time", "these", "two", "may", "then", "do", "first", "any", "now", "such", "like",
            "our", "over", "even", "most", "made", "after", "also", "many", "before", "must", "through", "back",
            "years", "where", "much", "your", "way", "well", "down", "should", "because", "each", "just",
            "those", "people", "how", "too", "little", "state", "good", "very", "make", "world", "still", "own",
            "see", "work", "long", "get", "here", "between", "both", "life", "being", "under", "never", "day",
            "same", "another", "know", "while", "last", "great", "old", "year", "off", "come", "since", "go",
            "right", "used", "take", "three", "few", "house", "use", "during", "without", "again", "place",
            "around", "however", "home", "small", "found", "thought", "went", "say", "part", "once", "general",
            "high", "upon", "school", "every", "does", "got", "left", "number", "course", "until", "always",
            "away", "something", "fact", "though", "water", "less", "public", "put", "think", "almost", "hand",
            "enough", "far", "head", "yet", "system", "better", "set", "nothing", "night", "end", "why",
            "called", "find", "look", "going", "later", "point", "next", "program", "city", "business", "give",
            "group", "young", "days", "let", "room", "side", "social", "given", "present", "several", "order",
            "second", "possible", "rather", "face", "among", "form", "important", "often", "things", "early",
            "white", "case", "become", "large", "big", "need", "four", "within", "along", "children", "best",
            "ever", "least", "power", "development", "light", "thing", "family", "interest", "want", "mind",
            "country", "area", "although", "done", "open", "service", "problem", "certain", "kind", "different",
            "door", "help", "sense", "whole", "matter", "perhaps", "times", "human", "line", "above", "name",
            "example", "action", "company", "local", "show", "whether", "five", "history", "today", "either",
            "across", "past", "quite", "anything", "seen", "having", "experience", "body", "word", "half",
            "really", "week", "free", "field", "car", "words", "already", "information", "tell", "together",
            "college", "money", "period", "held", "keep", "sure", "probably", "real", "behind", "question",
            "air", "office", "special", "major", "study", "available", "known", "result", "street", "position",
            "reason", "change", "south", "board", "job", "west", "close", "turn", "love", "community", "true",
            "full", "future", "voice", "center", "common", "following", "front", "sometimes", "six", "clear",
            "further", "land", "able", "music", "party", "university", "education", "effect", "level", "short",
            "town", "morning", "total", "figure", "bring", "river", "garden", "village", "window", "summer",
            "winter", "story", "quiet", "bright", "simple", "sunny", "green", "blue", "mountain", "forest",
            "ocean", "bridge", "market", "friend", "teacher", "answer", "network", "model", "signal", "energy",
            "pattern", "quick", "warm", "cool", "fresh");

    private Vocabulary() {}
}
