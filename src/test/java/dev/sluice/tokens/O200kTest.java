package dev.sluice.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link O200k#count} against jtokkit's own o200k_base count, on random Unicode and on real text. */
class O200kTest {
    private static final Encoding JTOKKIT = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    /** jtokkit 1.1.0's o200k_base pattern, compiled as jtokkit compiles it: the pieces must be its pieces. */
    private static final Pattern REGEX = Pattern.compile(String.join("|",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "\\p{N}{1,3}", " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*", "\\s*[\\r\\n]+", "\\s+(?!\\S)", "\\s+"),
            Pattern.UNICODE_CHARACTER_CLASS);

    /** Code points the pre-tokeniser treats specially, drawn often so that random strings combine them. */
    private static final int[] INTERESTING = (
            "aAzZsStTrReEvVmMlLdDkKiI'''\u2019 \u00a0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000\u0085"
            + "\t\n\r\u000b\u000c\u001c\u001f\u200b\ufeff//\\.,!?-_\"()[]{}<>@#$%^&*+=~`|;:"
            + "0123456789\u0663\u06f5\u0966\uff10\u2160\u216b\u00bd\u00b2\u2460"
            + "\u017f\u212a\u0130\u0131\u01c5\u01c8\u1e9e\u00df\u02b0\u02c6\u3005\u3041\u4e00\u4e2d\u6587\uac00"
            + "\u0300\u0301\u0308\u0327\u0488\u0903\u093e\u20dd\u0627\u0644\u05d0\u0e01\u0e31\u0410\u044f\u03a3\u03c3\u03c2")
            .codePoints().toArray();
    private static final int[] SUPPLEMENTARY = {0x1F600, 0x1F44D, 0x1F3FD, 0x1F1FA, 0x1F1F8, 0x20000, 0x2A6D6,
        0x1D400, 0x1D7CE, 0x10400, 0x10428, 0x1E900, 0x1E922, 0x16F8F, 0x1D165, 0xE0001, 0x1F9D1};

    /**
     * The same pieces as the regex (a different split can give the same count by chance, e.g. {@code it'ſ} as one
     * piece or as {@code it} + {@code 'ſ}) and the same count as jtokkit.
     */
    private static void assertSame(String text) {
        List<String> pieces = pieces(text);
        List<String> expectedPieces = regexPieces(text);
        if (!pieces.equals(expectedPieces)) {
            assertThat(pieces).as("pieces of %s", escape(text)).isEqualTo(expectedPieces);
        }
        int expected = JTOKKIT.countTokensOrdinary(text);
        int actual = O200k.count(text);
        if (actual != expected) {
            assertThat(actual).as("tokens of %s", escape(text)).isEqualTo(expected);
        }
    }

    private static List<String> regexPieces(String text) {
        List<String> out = new ArrayList<>();
        for (Matcher m = REGEX.matcher(text); m.find(); ) {
            out.add(m.group());
        }
        return out;
    }

    private static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            int end = O200kSplitter.next(text, i);
            out.add(text.substring(i, end));
            i = end;
        }
        return out;
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.chars().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return b.append('"').toString();
    }

    private static String random(SplittableRandom rnd, int length) {
        StringBuilder b = new StringBuilder(length + 2);
        while (b.length() < length) {
            int kind = rnd.nextInt(100);
            if (kind < 45) {
                b.appendCodePoint(INTERESTING[rnd.nextInt(INTERESTING.length)]);
            } else if (kind < 60) {
                b.append(" the don't WE'LL Ive it's".charAt(rnd.nextInt(25)));
            } else if (kind < 70) {
                b.appendCodePoint(SUPPLEMENTARY[rnd.nextInt(SUPPLEMENTARY.length)]);
            } else if (kind < 75) {
                b.append((char) (0xD800 + rnd.nextInt(0x800))); // an unpaired surrogate (usually)
            } else if (kind < 90) {
                b.appendCodePoint(rnd.nextInt(0x3000)); // mostly assigned BMP: every script and category
            } else {
                int cp = rnd.nextInt(Character.MAX_CODE_POINT + 1);
                if (cp < 0xD800 || cp > 0xDFFF) {
                    b.appendCodePoint(cp);
                }
            }
        }
        return b.toString();
    }

    @Test
    @DisplayName("counts exactly what jtokkit counts for 150,000 random Unicode strings")
    void randomUnicode() {
        SplittableRandom rnd = new SplittableRandom(15);
        for (int n = 0; n < 150_000; n++) {
            assertSame(random(rnd, rnd.nextInt(n % 10 == 0 ? 200 : 24)));
        }
    }

    @Test
    @DisplayName("counts exactly what jtokkit counts for long pieces (its other merge algorithm above 500 bytes)")
    void longPieces() {
        SplittableRandom rnd = new SplittableRandom(7);
        String[] alphabets = {"abcdefghijklmnopqrstuvwxyz", "etaoinshrdlu", "\u4e00\u4e8c\u4e09\u56db\u4e94\u4e2d\u6587",
            "!@#$%^&*()-=+[]{};:,.<>?/~`|", " ", "\u0430\u0431\u0432\u0433\u0434\u0435", "ab", "aaaa"};
        for (int n = 0; n < 600; n++) {
            String alphabet = alphabets[n % alphabets.length];
            StringBuilder b = new StringBuilder();
            int length = 100 + rnd.nextInt(1500);
            while (b.length() < length) {
                b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            assertSame(b.toString());
            assertSame("x" + b + "\n");
        }
        assertSame("a".repeat(5000));
        assertSame(" ".repeat(3000) + "x");
        assertSame("\n".repeat(2000));
        assertSame("9".repeat(999));
    }

    @Test
    @DisplayName("the heap merge makes the same number of tokens as jtokkit's scan, piece by piece")
    void heapEqualsScan() {
        BpeTable table = BpeTable.load("/com/knuddels/jtokkit/o200k_base.tiktoken");
        SplittableRandom rnd = new SplittableRandom(3);
        for (int n = 0; n < 20_000; n++) {
            String text = random(rnd, 2 + rnd.nextInt(40));
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            assertThat(table.countByHeap(bytes, bytes.length)).as(escape(text))
                    .isEqualTo(table.countByScan(bytes, bytes.length));
        }
    }

    @Test
    @DisplayName("counts exactly what jtokkit counts for real text: README, guard and cache eval sets, UI sources")
    void realText() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md"), Path.of("bench/README.md")));
        for (String dir : List.of("src/main/resources/dev/sluice/guard/eval", "src/main/resources/dev/sluice/cache/eval",
                "src/main/resources/dev/sluice/ui/static")) {
            try (Stream<Path> walk = Files.walk(Path.of(dir))) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        int texts = 0;
        for (Path file : files) {
            String content = Files.readString(file);
            assertSame(content);
            for (String line : content.split("\n")) {
                assertSame(line);
                assertSame(line + "\n");
                texts += 2;
            }
            for (String paragraph : content.split("\n\n")) {
                assertSame(paragraph);
                texts++;
            }
        }
        assertThat(texts).isGreaterThan(5_000);
    }

    @Test
    @DisplayName("handles the edge cases of the pattern: contractions with Unicode case folding, space runs, CRLF")
    void edges() {
        for (String s : List.of("", "a", " ", "  ", "don't", "DON'T", "we'LL", "it\u017f", "it'\u017f", "I'M", "they're",
                "x'", "'s", "  hello", "hello  ", "a\r\n\r\n  b", "\t\tx", " \u3000x", "a\u0301\u0301b", "\u0301abc",
                "\u01c5ungla", "ABCdef", "12345678", "\u0663\u0664\u0665\u0666", "a/b//c\n/", " !!!\r\n//", "\ud83d",
                "\ude00x", "x\ud83d\ude00\ud83d", "\ud83d\ude00\u0301", "<|endoftext|>", "\u0085\u0085x")) {
            assertSame(s);
        }
        assertThat(O200k.count(null)).isZero();
    }
}
