package dev.sluice.prompts.template;

import com.hubspot.jinjava.tree.ExpressionNode;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;
import com.hubspot.jinjava.tree.parse.TagToken;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The variable names a template uses, found by scanning the text of its tags and expressions (never
 * its plain text) in one linear pass, without a regex.
 *
 * <p>Two sets, because Jinja's scoping makes "used" fuzzy: {@code mentioned} holds every name read
 * as a value anywhere, including names the template binds itself ({@code for x in ...},
 * {@code set x = ...}, macro parameters); a variable the caller gives that is not in it cannot
 * change the output, so it is reported as unused, and nothing the template could read is ever
 * reported. {@code free} is {@code mentioned} minus what the template binds itself: the variables a
 * caller is expected to give, shown to prompt authors and SDKs.
 */
final class TemplateNames {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "in", "is", "if", "else", "true", "false",
            "none", "True", "False", "None", "loop", "recursive", "caller", "varargs", "kwargs");
    /** Tags whose text after the name is not an expression to scan. */
    private static final Set<String> OPAQUE_TAGS = Set.of("raw", "filter", "autoescape", "endraw");

    record Names(Set<String> mentioned, Set<String> free) {}

    private TemplateNames() {}

    static Names of(Node root) {
        Set<String> mentioned = new LinkedHashSet<>();
        Set<String> bound = new LinkedHashSet<>();
        visit(root, mentioned, bound);
        Set<String> free = new LinkedHashSet<>(mentioned);
        free.removeAll(bound);
        return new Names(Set.copyOf(mentioned), java.util.Collections.unmodifiableSet(free));
    }

    private static void visit(Node node, Set<String> mentioned, Set<String> bound) {
        if (node instanceof ExpressionNode && node.getMaster() instanceof ExpressionToken e) {
            identifiers(e.getExpr(), mentioned::add);
        } else if (node instanceof TagNode && node.getMaster() instanceof TagToken t) {
            tag(t.getTagName(), t.getHelpers(), mentioned, bound);
        }
        for (Node child : node.getChildren()) {
            visit(child, mentioned, bound);
        }
    }

    private static void tag(String name, String helpers, Set<String> mentioned, Set<String> bound) {
        if (helpers == null || OPAQUE_TAGS.contains(name)) {
            return;
        }
        switch (name) {
            case "for" -> {
                int in = keyword(helpers, "in");
                if (in < 0) {
                    identifiers(helpers, mentioned::add);
                } else {
                    identifiers(helpers.substring(0, in), bound::add);
                    identifiers(helpers.substring(in + 2), mentioned::add);
                }
            }
            case "set" -> {
                int eq = helpers.indexOf('=');
                identifiers(eq < 0 ? helpers : helpers.substring(0, eq), bound::add);
                if (eq >= 0) {
                    identifiers(helpers.substring(eq + 1), mentioned::add);
                }
            }
            case "macro" -> {
                int open = helpers.indexOf('(');
                identifiers(open < 0 ? helpers : helpers.substring(0, open), bound::add);
                if (open >= 0) {
                    parameters(helpers.substring(open + 1), mentioned, bound);
                }
            }
            default -> identifiers(helpers, mentioned::add);
        }
    }

    /** Macro parameters {@code a, b=expr)}: the names are bound, the default expressions are read. */
    private static void parameters(String text, Set<String> mentioned, Set<String> bound) {
        List<String> names = new ArrayList<>();
        identifiersWithKwargs(text, names::add);
        for (String n : names) {
            bound.add(n);
        }
        identifiers(text, mentioned::add);
    }

    /** Where the keyword {@code word} stands alone in {@code text} outside quotes, or -1. */
    private static int keyword(String text, String word) {
        int quote = 0;
        for (int i = 0; i + word.length() <= text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (text.startsWith(word, i) && (i == 0 || !isPart(text.charAt(i - 1)))
                    && (i + word.length() == text.length() || !isPart(text.charAt(i + word.length())))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The names an expression reads as values, in order: not attribute names ({@code a.b} reads
     * {@code a}), filter and test names, called functions, keyword-argument names, keywords, or
     * anything inside a string literal.
     */
    static void identifiers(String expr, Consumer<String> out) {
        scan(expr, out, false);
    }

    private static void identifiersWithKwargs(String expr, Consumer<String> out) {
        scan(expr, out, true);
    }

    private static void scan(String s, Consumer<String> out, boolean keepKwargs) {
        int n = s.length();
        int i = 0;
        char previous = 0;          // the last significant character before the current token
        String word1 = null;        // the last word, and the one before it (to recognise "is not")
        String word2 = null;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = afterString(s, i);
                previous = c;
                word1 = word2 = null;
            } else if (Character.isDigit(c)) {
                while (i < n && (isPart(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                previous = '0';
                word1 = word2 = null;
            } else if (isStart(c)) {
                int start = i;
                while (i < n && isPart(s.charAt(i))) {
                    i++;
                }
                String word = s.substring(start, i);
                int next = i;
                while (next < n && Character.isWhitespace(s.charAt(next))) {
                    next++;
                }
                char after = next < n ? s.charAt(next) : 0;
                boolean attribute = previous == '.';
                boolean filter = previous == '|';
                boolean test = "is".equals(word1) || ("not".equals(word1) && "is".equals(word2));
                boolean call = after == '(';
                boolean kwarg = after == '=' && (next + 1 >= n || s.charAt(next + 1) != '=');
                if (!attribute && !filter && !test && !call && (!kwarg || keepKwargs) && !KEYWORDS.contains(word)) {
                    out.accept(word);
                }
                word2 = word1;
                word1 = word;
                previous = 'a';
            } else {
                if (!Character.isWhitespace(c)) {
                    previous = c;
                    word1 = word2 = null;
                }
                i++;
            }
        }
    }

    private static int afterString(String s, int open) {
        char quote = s.charAt(open);
        int i = open + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                i++;
            }
        }
        return s.length();
    }

    private static boolean isStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isPart(char c) {
        return isStart(c) || (c >= '0' && c <= '9');
    }
}
