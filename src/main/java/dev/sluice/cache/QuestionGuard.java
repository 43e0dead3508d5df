package dev.sluice.cache;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The false-hit guards of the semantic cache. Sentence embeddings place "convert 100 °F to °C" and
 * "convert 100 °C to °F" (or "is coffee good for you" and "is coffee bad for you") within 0.99 and
 * 0.94 of each other; the threshold alone cannot tell such questions apart. A candidate above the
 * threshold is still a miss when the two questions differ in:
 *
 * <ul>
 *   <li>numbers (digits or words, in order), math operators, or quantities (a number with its unit);</li>
 *   <li>dates and times (months, weekdays, today/tomorrow, seasons...);</li>
 *   <li>units or currencies;</li>
 *   <li>negation (not, never, without, n't...);</li>
 *   <li>named entities (capitalised words, acronyms, and a list of well-known names in any case),
 *       each of which must appear in the other question;</li>
 *   <li>opposites (good/bad, encrypt/decrypt, safe/unsafe, useful/useless...);</li>
 *   <li>direction: the same two words in reversed order across a short relation ("string to int" vs
 *       "int to string", "ounces in a pound" vs "pounds in an ounce");</li>
 *   <li>one swapped phrase in an otherwise identical question ("cook rice" vs "cook pasta"), unless
 *       the swapped words mean nearly the same (checked with the same embedding model).</li>
 * </ul>
 *
 * Each rule errs towards a miss: a false miss costs one model call, a false hit gives a wrong answer.
 */
final class QuestionGuard {
    /** Similarity of two short phrases; the embedding model in production. */
    @FunctionalInterface
    interface PhraseSimilarity {
        double similarity(String a, String b);
    }

    /** A swapped phrase must be at least this similar to count as a synonym. */
    static final double SYNONYM_MIN = 0.8;
    private static final int MAX_SWAP_TOKENS = 3;
    private static final int MAX_RELATION_GAP = 2;
    private static final Set<String> STOP = QuestionLexicon.words(("a an the of to in on at for from by with about as into onto over "
            + "under than and or but if so is are was were be been being am do does did done can could should would "
            + "will shall may might must have has had i me my mine we us our you your he him his she her it its they "
            + "them their this that these those there here what which who whom whose how why when where whats hows "
            + "whos wheres im ive id ill youre dont doesnt not no some any all each every one ones please just also "
            + "very really much many more most get got make made way ways thing things tell give know").split(" "));
    /** Words that frame a request rather than carry its subject: "what is X" means "explain X". */
    private static final Set<String> FRAMING = QuestionLexicon.words(("explain define describe tell give list show name suggest "
            + "recommend provide help understand know mean means meaning count counts counted considered summarize "
            + "summarise outline clarify what whats can could would please me us is are a an the of you i").split(" "));
    private static final Set<String> SKIPPED_IN_GAPS = Set.of("a", "an", "the", "my", "your", "our", "their", "his",
            "her", "its", "this", "that", "some", "any");
    private static final Set<String> SYMMETRIC = Set.of("and", "or", "vs", "versus", "&", "with", "between", "nor",
            "plus", "compared", "compare");
    private static final Set<String> BE_FORMS = Set.of("is", "are", "was", "were", "be", "been", "being", "get", "gets",
            "got");
    private static final Set<String> NOT_POSSESSIVE = Set.of("what", "where", "who", "how", "it", "that", "there",
            "here", "he", "she", "let", "when", "why", "which", "this");
    private static final String[] NEGATING_PREFIXES = {"un", "in", "im", "il", "ir", "dis", "non", "anti", "de", "mis"};

    private final PhraseSimilarity phrases;

    QuestionGuard(PhraseSimilarity phrases) {
        this.phrases = phrases;
    }

    /** Null when the incoming question may reuse the cached one's answer, else why not. */
    String check(String cached, String incoming) {
        Facts a = Facts.of(cached);
        Facts b = Facts.of(incoming);
        if (!a.numbers.equals(b.numbers)) {
            return "numbers differ: " + a.numbers + " vs " + b.numbers;
        }
        if (!a.operators.equals(b.operators)) {
            return "operators differ: " + a.operators + " vs " + b.operators;
        }
        if (!a.units.equals(b.units)) {
            return "units differ: " + a.units + " vs " + b.units;
        }
        if (!a.quantities.equals(b.quantities)) {
            return "quantities differ: " + a.quantities + " vs " + b.quantities;
        }
        if (!a.dates.equals(b.dates)) {
            return "dates differ: " + a.dates + " vs " + b.dates;
        }
        if (a.negations != b.negations) {
            return "negation differs";
        }
        String missing = missingEntity(a, b);
        if (missing == null) {
            missing = missingEntity(b, a);
        }
        if (missing != null) {
            return "entity '" + missing + "' is in only one question";
        }
        String opposite = opposites(a, b);
        if (opposite != null) {
            return "opposite words: " + opposite;
        }
        String reversed = reversed(a, b);
        if (reversed == null) {
            reversed = reversed(b, a);
        }
        if (reversed != null) {
            return "reversed relation: " + reversed;
        }
        return swapped(a, b);
    }

    private static String missingEntity(Facts a, Facts b) {
        for (String e : a.entities) {
            if (!b.allStems.contains(e) && !b.allWords.contains(e)) {
                return e;
            }
        }
        return null;
    }

    private static String opposites(Facts a, Facts b) {
        for (String x : a.allWords) {
            if (b.allWords.contains(x)) {
                continue;
            }
            Set<String> anti = QuestionLexicon.ANTONYMS.get(x);
            if (anti == null) {
                anti = QuestionLexicon.ANTONYMS.get(stem(x));
            }
            if (anti != null) {
                for (String y : anti) {
                    if ((b.allWords.contains(y) || b.allStems.contains(y)) && !a.allWords.contains(y) && !a.allStems.contains(y)) {
                        return x + "/" + y;
                    }
                }
            }
            for (String y : b.allWords) {
                if (!a.allWords.contains(y) && negatedForms(x, y)) {
                    return x + "/" + y;
                }
            }
        }
        return null;
    }

    /** safe/unsafe, legal/illegal, like/dislike, useful/useless... */
    private static boolean negatedForms(String x, String y) {
        for (String p : NEGATING_PREFIXES) {
            if ((x.equals(p + y) && y.length() >= 4) || (y.equals(p + x) && x.length() >= 4)) {
                return true;
            }
        }
        return x.endsWith("ful") && y.endsWith("less") && x.substring(0, x.length() - 3).equals(y.substring(0, y.length() - 4))
                || y.endsWith("ful") && x.endsWith("less") && y.substring(0, y.length() - 3).equals(x.substring(0, x.length() - 4));
    }

    /** Two anchor words related closely in one order in {@code a} and in the other order in {@code b}. */
    private static String reversed(Facts a, Facts b) {
        Map<String, Integer> posA = a.uniqueAnchors();
        Map<String, Integer> posB = b.uniqueAnchors();
        for (Map.Entry<String, Integer> x : posA.entrySet()) {
            for (Map.Entry<String, Integer> y : posA.entrySet()) {
                int ax = x.getValue();
                int ay = y.getValue();
                if (ax >= ay) {
                    continue;
                }
                Integer bx = posB.get(x.getKey());
                Integer by = posB.get(y.getKey());
                if (bx == null || by == null || by >= bx) {
                    continue;
                }
                if (a.related(ax, ay) && b.related(by, bx) && !a.symmetricBetween(ax, ay) && !b.symmetricBetween(by, bx)
                        && !a.possessiveOrPassive(ax, ay) && !b.possessiveOrPassive(by, bx)) {
                    return x.getKey() + " … " + y.getKey();
                }
            }
        }
        return null;
    }

    /** The same question with one short phrase swapped must swap it for a synonym. */
    private String swapped(Facts a, Facts b) {
        List<String> x = a.lowers;
        List<String> y = b.lowers;
        int prefix = 0;
        while (prefix < x.size() && prefix < y.size() && x.get(prefix).equals(y.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < x.size() - prefix && suffix < y.size() - prefix
                && x.get(x.size() - 1 - suffix).equals(y.get(y.size() - 1 - suffix))) {
            suffix++;
        }
        List<String> mx = x.subList(prefix, x.size() - suffix);
        List<String> my = y.subList(prefix, y.size() - suffix);
        if (mx.isEmpty() || my.isEmpty() || mx.size() > MAX_SWAP_TOKENS || my.size() > MAX_SWAP_TOKENS) {
            return null;
        }
        if (mx.stream().allMatch(w -> STOP.contains(w) || FRAMING.contains(w))
                && my.stream().allMatch(w -> STOP.contains(w) || FRAMING.contains(w))) {
            return null;
        }
        if (mx.stream().map(QuestionGuard::stem).toList().equals(my.stream().map(QuestionGuard::stem).toList())) {
            return null;
        }
        String px = String.join(" ", mx);
        String py = String.join(" ", my);
        double s = phrases.similarity(px, py);
        return s >= SYNONYM_MIN ? null : "swapped '" + px + "' for '" + py + "' (similarity " + String.format(Locale.ROOT, "%.2f", s) + ")";
    }

    static String stem(String w) {
        int n = w.length();
        if (n > 4 && w.endsWith("ies")) {
            return w.substring(0, n - 3) + "y";
        }
        if (n > 4 && w.endsWith("sses")) {
            return w.substring(0, n - 2);
        }
        if (n > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
            w = w.substring(0, n - 1);
            n--;
        }
        if (n > 5 && w.endsWith("ing")) {
            return w.substring(0, n - 3);
        }
        if (n > 4 && w.endsWith("ied")) {
            return w.substring(0, n - 3) + "y";
        }
        if (n > 4 && w.endsWith("ed")) {
            return w.substring(0, n - 2);
        }
        return w;
    }

    /** One token of a question. */
    record Token(String raw, String lower, Kind kind, boolean sentenceStart, boolean breakBefore, boolean possessive) {
        enum Kind { WORD, NUMBER, SYMBOL, OPERATOR }

        boolean capitalised() {
            return kind == Kind.WORD && Character.isUpperCase(raw.codePointAt(0));
        }
    }

    /** What the guards compare, extracted once per question. */
    static final class Facts {
        final List<Token> tokens;
        final List<String> lowers = new ArrayList<>();
        final Set<String> allWords = new HashSet<>();
        final Set<String> allStems = new HashSet<>();
        final List<String> numbers = new ArrayList<>();
        final List<String> operators = new ArrayList<>();
        final List<String> units = new ArrayList<>();
        final Set<String> quantities = new HashSet<>();
        final Set<String> dates = new HashSet<>();
        final Set<String> entities = new HashSet<>();
        int negations;

        private Facts(List<Token> tokens) {
            this.tokens = tokens;
        }

        static Facts of(String text) {
            Facts f = new Facts(tokenize(text));
            f.extract();
            return f;
        }

        private void extract() {
            int words = 0;
            int capitalised = 0;
            for (Token t : tokens) {
                if (t.kind() == Token.Kind.WORD) {
                    words++;
                    if (t.capitalised()) {
                        capitalised++;
                    }
                }
                if (t.kind() == Token.Kind.WORD || t.kind() == Token.Kind.NUMBER) {
                    lowers.add(t.lower());
                    allWords.add(t.lower());
                    allStems.add(stem(t.lower()));
                }
            }
            boolean titleCase = words >= 4 && capitalised * 10 >= words * 6;
            List<Long> group = new ArrayList<>();
            for (int i = 0; i < tokens.size(); i++) {
                Token t = tokens.get(i);
                String w = t.lower();
                Token prev = i > 0 ? tokens.get(i - 1) : null;
                Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
                // numbers: digits, and runs of number words ("two hundred and five")
                boolean numberWord = t.kind() == Token.Kind.WORD && (QuestionLexicon.NUMBER_WORDS.containsKey(w)
                        || QuestionLexicon.MULTIPLIERS.containsKey(w)) && !(w.equals("one") && pronounOne(prev, next));
                if (numberWord) {
                    group.add(QuestionLexicon.NUMBER_WORDS.containsKey(w) ? QuestionLexicon.NUMBER_WORDS.get(w) : -QuestionLexicon.MULTIPLIERS.get(w));
                    if (next != null && next.lower().equals("and") && i + 2 < tokens.size()
                            && QuestionLexicon.NUMBER_WORDS.containsKey(tokens.get(i + 2).lower())) {
                        i++;
                    }
                    continue;
                }
                flushNumberGroup(group);
                if (t.kind() == Token.Kind.NUMBER) {
                    String value = t.lower();
                    if (next != null && next.kind() == Token.Kind.WORD && QuestionLexicon.MULTIPLIERS.containsKey(next.lower())) {
                        value = new BigDecimal(value).multiply(BigDecimal.valueOf(QuestionLexicon.MULTIPLIERS.get(next.lower())))
                                .stripTrailingZeros().toPlainString();
                    }
                    numbers.add(value);
                } else if (t.kind() == Token.Kind.WORD && QuestionLexicon.FRACTIONS.containsKey(w)) {
                    numbers.add(QuestionLexicon.FRACTIONS.get(w));
                } else if (t.kind() == Token.Kind.WORD && QuestionLexicon.ORDINALS.containsKey(w)
                        && !(w.equals("second") && afterNumber(prev))) {
                    numbers.add(Long.toString(QuestionLexicon.ORDINALS.get(w)));
                }
                // math operators, only beside numbers so "add a column" is not arithmetic
                String op = t.kind() == Token.Kind.OPERATOR ? QuestionLexicon.OPERATORS.get(t.raw())
                        : t.kind() == Token.Kind.WORD ? QuestionLexicon.OPERATORS.get(w) : null;
                if (op != null && (t.kind() == Token.Kind.OPERATOR || nearNumber(i))) {
                    operators.add(op);
                }
                // units and quantities
                String unit = null;
                if (t.kind() == Token.Kind.SYMBOL) {
                    unit = QuestionLexicon.CURRENCY_SYMBOLS.get(t.raw().charAt(0));
                } else if (t.kind() == Token.Kind.WORD && QuestionLexicon.UNITS.containsKey(w)) {
                    boolean afterOnly = QuestionLexicon.UNITS_AFTER_NUMBER_ONLY.contains(w) || w.equals("second");
                    if (!afterOnly || afterNumber(prev)) {
                        unit = QuestionLexicon.UNITS.get(w);
                    }
                }
                if (unit != null) {
                    units.add(unit);
                    String amount = amountBefore(i);
                    if (amount != null) {
                        quantities.add(amount + " " + unit);
                    }
                }
                // dates
                if (t.kind() == Token.Kind.WORD) {
                    if (QuestionLexicon.MONTHS.contains(w) && (!QuestionLexicon.AMBIGUOUS_MONTHS.contains(w)
                            || (t.capitalised() && !t.sentenceStart()) || afterNumber(prev)
                            || (next != null && next.kind() == Token.Kind.NUMBER))) {
                        dates.add(w.length() > 3 ? w.substring(0, 3) : w);
                    } else if (QuestionLexicon.DATE_WORDS.contains(w)) {
                        dates.add(w);
                    }
                    if (QuestionLexicon.NEGATIONS.contains(w)) {
                        negations++;
                    }
                    // named entities
                    if (QuestionLexicon.NAMES.contains(w)) {
                        entities.add(w);
                    } else if (isAcronym(t.raw()) || isMixedCase(t.raw())) {
                        entities.add(w);
                    } else if (!titleCase && t.capitalised() && !w.equals("i")
                            && (!t.sentenceStart() || !QuestionLexicon.COMMON.contains(w))
                            && !(t.sentenceStart() && STOP.contains(w))) {
                        entities.add(w);
                    }
                }
            }
            flushNumberGroup(group);
            numbers.replaceAll(v -> new BigDecimal(v).stripTrailingZeros().toPlainString());
        }

        private static boolean pronounOne(Token prev, Token next) {
            return (prev != null && QuestionLexicon.ONE_AS_PRONOUN_AFTER.contains(prev.lower()))
                    || (next != null && (next.lower().equals("of") || next.lower().equals("another")));
        }

        private void flushNumberGroup(List<Long> group) {
            if (group.isEmpty()) {
                return;
            }
            long total = 0;
            long current = 0;
            for (long v : group) {
                if (v < 0) {
                    long m = -v;
                    current = Math.max(current, 1) * m;
                    if (m >= 1000) {
                        total += current;
                        current = 0;
                    }
                } else {
                    current += v;
                }
            }
            numbers.add(Long.toString(total + current));
            group.clear();
        }

        private static boolean afterNumber(Token prev) {
            return prev != null && (prev.kind() == Token.Kind.NUMBER || QuestionLexicon.NUMBER_WORDS.containsKey(prev.lower())
                    || prev.raw().equals("°") || prev.lower().equals("a") || prev.lower().equals("an")
                    || QuestionLexicon.MULTIPLIERS.containsKey(prev.lower()));
        }

        private boolean nearNumber(int i) {
            for (int j = Math.max(0, i - 2); j <= Math.min(tokens.size() - 1, i + 2); j++) {
                Token t = tokens.get(j);
                if (j != i && (t.kind() == Token.Kind.NUMBER || QuestionLexicon.NUMBER_WORDS.containsKey(t.lower()))) {
                    return true;
                }
            }
            return false;
        }

        /** The number right before a unit ("100 °F", "5 km", "$ 20" reads the number after). */
        private String amountBefore(int i) {
            for (int j = i - 1; j >= Math.max(0, i - 2); j--) {
                Token t = tokens.get(j);
                if (t.kind() == Token.Kind.NUMBER) {
                    return new BigDecimal(t.lower()).stripTrailingZeros().toPlainString();
                }
                if (t.kind() == Token.Kind.WORD && QuestionLexicon.NUMBER_WORDS.containsKey(t.lower())) {
                    return Long.toString(QuestionLexicon.NUMBER_WORDS.get(t.lower()));
                }
                if (t.kind() != Token.Kind.SYMBOL) {
                    break;
                }
            }
            if (i + 1 < tokens.size() && tokens.get(i).kind() == Token.Kind.SYMBOL && tokens.get(i + 1).kind() == Token.Kind.NUMBER) {
                return new BigDecimal(tokens.get(i + 1).lower()).stripTrailingZeros().toPlainString();
            }
            return null;
        }

        private static boolean isAcronym(String raw) {
            if (raw.length() < 2) {
                return false;
            }
            int upper = 0;
            for (int k = 0; k < raw.length(); k++) {
                char c = raw.charAt(k);
                if (Character.isLowerCase(c)) {
                    return false;
                }
                if (Character.isUpperCase(c)) {
                    upper++;
                }
            }
            return upper >= 2;
        }

        private static boolean isMixedCase(String raw) {
            for (int k = 1; k < raw.length(); k++) {
                if (Character.isUpperCase(raw.charAt(k)) && Character.isLowerCase(raw.charAt(k - 1))) {
                    return true;
                }
            }
            return false;
        }

        /** Position (in {@link #tokens}) of each anchor word or number that occurs exactly once. */
        Map<String, Integer> uniqueAnchors() {
            Map<String, Integer> pos = new HashMap<>();
            Set<String> repeated = new HashSet<>();
            for (int i = 0; i < tokens.size(); i++) {
                Token t = tokens.get(i);
                if ((t.kind() != Token.Kind.WORD && t.kind() != Token.Kind.NUMBER) || STOP.contains(t.lower())) {
                    continue;
                }
                String key = QuestionLexicon.UNITS.containsKey(t.lower()) ? "unit:" + QuestionLexicon.UNITS.get(t.lower()) : stem(t.lower());
                if (pos.putIfAbsent(key, i) != null) {
                    repeated.add(key);
                }
            }
            repeated.forEach(pos::remove);
            return pos;
        }

        /**
         * Related through a short link in one clause: at least one word between them ("string to int",
         * "square a rectangle"; not the compound "Python dictionary"), and at most two not counting
         * articles and possessives.
         */
        boolean related(int from, int to) {
            if (to - from < 2) {
                return false;
            }
            int gap = 0;
            for (int k = from + 1; k <= to; k++) {
                Token t = tokens.get(k);
                if (t.breakBefore()) {
                    return false;
                }
                if (k < to && !SKIPPED_IN_GAPS.contains(t.lower())) {
                    gap++;
                }
            }
            return gap <= MAX_RELATION_GAP;
        }

        /**
         * "Java and Python", "Python vs. Java", "between X and Y": the connector joins these two words
         * themselves (only articles around it), so their order carries no meaning. In "a whale a mammal
         * or a fish" the "or" joins mammal and fish, not whale and fish.
         */
        boolean symmetricBetween(int from, int to) {
            int connectors = 0;
            for (int k = from + 1; k < to; k++) {
                String w = tokens.get(k).lower();
                if (SYMMETRIC.contains(w)) {
                    connectors++;
                } else if (!SKIPPED_IN_GAPS.contains(w)) {
                    return false;
                }
            }
            return connectors > 0;
        }

        /**
         * "France's capital" for "capital of France"; a copula right before the second word:
         * "penicillin was discovered" for "discovered penicillin", "mountain is the tallest" for
         * "tallest mountain".
         */
        boolean possessiveOrPassive(int from, int to) {
            if (tokens.get(from).possessive()) {
                return true;
            }
            int k = to - 1;
            while (k > from && SKIPPED_IN_GAPS.contains(tokens.get(k).lower())) {
                k--;
            }
            return k > from && BE_FORMS.contains(tokens.get(k).lower());
        }
    }

    static List<Token> tokenize(String input) {
        String text = input.replace('\u2019', '\'').replace('\u2018', '\'').replace("\u00d7", "*").replace("\u00f7", "/");
        List<Token> out = new ArrayList<>();
        boolean sentenceStart = true;
        boolean breakBefore = false;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                int start = i;
                while (i < n) {
                    char d = text.charAt(i);
                    if (Character.isLetterOrDigit(d)) {
                        i++;
                    } else if ((d == '\'' ) && i + 1 < n && Character.isLetter(text.charAt(i + 1)) && i > start
                            && Character.isLetter(text.charAt(i - 1))) {
                        i++;
                    } else if ((d == '.' || d == ',') && i + 1 < n && Character.isDigit(text.charAt(i + 1)) && i > start
                            && Character.isDigit(text.charAt(i - 1))) {
                        i++;
                    } else {
                        break;
                    }
                }
                String run = text.substring(start, i);
                if ((run.equals("c") || run.equals("C") || run.equals("f") || run.equals("F")) && i < n
                        && (text.startsWith("++", i) || text.charAt(i) == '#')) {
                    String suffix = text.startsWith("++", i) ? "++" : "#";
                    i += suffix.length();
                    out.add(new Token(run + suffix, run.toLowerCase(Locale.ROOT) + suffix, Token.Kind.WORD, sentenceStart,
                            breakBefore, false));
                } else {
                    boolean trailingPossessive = i < n && text.charAt(i) == '\'' && run.endsWith("s")
                            && (i + 1 >= n || !Character.isLetter(text.charAt(i + 1)));
                    if (trailingPossessive) {
                        i++;
                    }
                    splitRun(run, out, sentenceStart, breakBefore, trailingPossessive);
                }
                sentenceStart = false;
                breakBefore = false;
            } else if (QuestionLexicon.CURRENCY_SYMBOLS.containsKey(c)) {
                out.add(new Token(String.valueOf(c), String.valueOf(c), Token.Kind.SYMBOL, sentenceStart, breakBefore, false));
                i++;
            } else if ("+*/=^<>".indexOf(c) >= 0 || (c == '-' && minusBetweenNumbers(text, i))) {
                out.add(new Token(String.valueOf(c), String.valueOf(c), Token.Kind.OPERATOR, sentenceStart, breakBefore, false));
                i++;
            } else {
                if (c == '.' || c == '?' || c == '!' || c == '\n' || c == ':' || c == ';') {
                    sentenceStart = true;
                    breakBefore = true;
                } else if (c == ',' || c == '(' || c == ')' || c == '"') {
                    breakBefore = true;
                }
                i++;
            }
        }
        return out;
    }

    private static boolean minusBetweenNumbers(String text, int i) {
        int before = i - 1;
        while (before >= 0 && text.charAt(before) == ' ') {
            before--;
        }
        int after = i + 1;
        while (after < text.length() && text.charAt(after) == ' ') {
            after++;
        }
        return before >= 0 && after < text.length() && Character.isDigit(text.charAt(before))
                && Character.isDigit(text.charAt(after));
    }

    /** Splits "5km" into "5" and "km", "iPhone15" into "iPhone" and "15"; handles 's and n't. */
    private static void splitRun(String run, List<Token> out, boolean sentenceStart, boolean breakBefore,
                                 boolean trailingPossessive) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int k = 1; k < run.length(); k++) {
            char p = run.charAt(k - 1);
            char c = run.charAt(k);
            boolean digitEdge = (Character.isDigit(p) && Character.isLetter(c) && p != ',' )
                    || (Character.isLetter(p) && Character.isDigit(c));
            if (digitEdge) {
                parts.add(run.substring(start, k));
                start = k;
            }
        }
        parts.add(run.substring(start));
        for (int k = 0; k < parts.size(); k++) {
            String raw = parts.get(k);
            boolean first = k == 0;
            if (Character.isDigit(raw.charAt(0))) {
                out.add(new Token(raw, raw.replace(",", ""), Token.Kind.NUMBER, sentenceStart && first, breakBefore && first, false));
                continue;
            }
            String lower = raw.toLowerCase(Locale.ROOT);
            // ordinal suffixes after digits: 1st, 2nd, 3rd, 4th
            if (!first && Character.isDigit(parts.get(k - 1).charAt(0)) && Set.of("st", "nd", "rd", "th").contains(lower)) {
                continue;
            }
            boolean possessive = trailingPossessive && k == parts.size() - 1;
            if (lower.endsWith("'s")) {
                String base = lower.substring(0, lower.length() - 2);
                if (NOT_POSSESSIVE.contains(base)) {
                    lower = base + "s";
                } else {
                    lower = base;
                    raw = raw.substring(0, raw.length() - 2);
                    possessive = true;
                }
            }
            if (possessive && !lower.endsWith("'s") && trailingPossessive && k == parts.size() - 1 && lower.endsWith("s")) {
                // "parents'" stays "parents"; stemming removes the s when comparing
                possessive = true;
            }
            lower = lower.replace("'", "");
            raw = raw.replace("'", "");
            if (lower.isEmpty()) {
                continue;
            }
            out.add(new Token(raw, lower, Token.Kind.WORD, sentenceStart && first, breakBefore && first, possessive));
        }
    }
}
