package dev.sluice.guard;

/** Characters that render as nothing but change what a model reads. */
public final class Invisible {
    private Invisible() {}

    public static boolean isInvisible(int cp) {
        return isZeroWidth(cp) || isBidiControl(cp) || isTag(cp) || isVariationSelector(cp) || cp == 0x00AD;
    }

    public static boolean isZeroWidth(int cp) {
        return cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF || cp == 0x180E
                || (cp >= 0x2061 && cp <= 0x2064);
    }

    public static boolean isBidiControl(int cp) {
        return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F
                || cp == 0x061C;
    }

    /** Unicode tag characters: invisible copies of ASCII, used to smuggle instructions. */
    public static boolean isTag(int cp) {
        return cp >= 0xE0000 && cp <= 0xE007F;
    }

    public static boolean isVariationSelector(int cp) {
        return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
    }
}
