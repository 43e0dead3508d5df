package dev.sluice.guard.pii;

import dev.sluice.guard.Finding;
import java.util.List;
import java.util.Map;

/**
 * International bank account numbers: a country code with its registered length (SWIFT's IBAN
 * registry), written compact or in groups, with a valid ISO 7064 mod-97 check.
 */
public final class IbanDetector implements Detector {
    /** Country → IBAN length, from the SWIFT IBAN registry. */
    private static final Map<String, Integer> LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
            Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BR", 29),
            Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28), Map.entry("CZ", 24),
            Map.entry("DE", 22), Map.entry("DK", 18), Map.entry("DO", 28), Map.entry("EE", 20), Map.entry("EG", 29),
            Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22),
            Map.entry("GE", 22), Map.entry("GI", 23), Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28),
            Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IQ", 23),
            Map.entry("IS", 26), Map.entry("IT", 27), Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20),
            Map.entry("LB", 28), Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20),
            Map.entry("LV", 21), Map.entry("MC", 27), Map.entry("MD", 24), Map.entry("ME", 22), Map.entry("MK", 19),
            Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NL", 18), Map.entry("NO", 15),
            Map.entry("PK", 24), Map.entry("PL", 28), Map.entry("PS", 29), Map.entry("PT", 25), Map.entry("QA", 29),
            Map.entry("RO", 24), Map.entry("RS", 22), Map.entry("SA", 24), Map.entry("SC", 31), Map.entry("SE", 24),
            Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("ST", 25), Map.entry("SV", 28),
            Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29), Map.entry("VA", 22),
            Map.entry("VG", 24), Map.entry("XK", 20));

    @Override
    public String type() {
        return "iban";
    }

    @Override
    public void find(String text, List<Finding> out) {
        int n = text.length();
        int i = 0;
        while (i + 15 <= n) {
            // two letters starting a word, then two digits: "DE89", "gb29"
            if (asciiLetter(text.charAt(i)) && asciiLetter(text.charAt(i + 1)) && Runs.isDigit(text.charAt(i + 2))
                    && Runs.isDigit(text.charAt(i + 3)) && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))) {
                Integer length = LENGTHS.get(text.substring(i, i + 2).toUpperCase(java.util.Locale.ROOT));
                int end = length == null ? -1 : collect(text, i, length);
                if (end > 0 && checksum(text, i, end)) {
                    out.add(Finding.span(type(), i, end));
                    i = end;
                    continue;
                }
            }
            i++;
        }
    }

    private static boolean asciiLetter(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    /** Walks {@code length} alphanumerics from {@code start}, allowing single spaces; returns the end, or -1. */
    private static int collect(String text, int start, int length) {
        int n = 0;
        int i = start;
        while (i < text.length() && n < length) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c) && c < 128) {
                n++;
                i++;
            } else if (c == ' ' && n >= 4 && i + 1 < text.length() && Character.isLetterOrDigit(text.charAt(i + 1))) {
                i++;
            } else {
                break;
            }
        }
        if (n != length || (i < text.length() && Character.isLetterOrDigit(text.charAt(i)))) {
            return -1;
        }
        return i;
    }

    /** ISO 7064 mod 97-10 over the rearranged IBAN (letters as 10..35), computed digit by digit. */
    static boolean checksum(String text, int start, int end) {
        StringBuilder compact = new StringBuilder(34);
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c != ' ') {
                compact.append(Character.toUpperCase(c));
            }
        }
        String rearranged = compact.substring(4) + compact.substring(0, 4);
        int remainder = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            int v = Character.isDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = v > 9 ? (remainder * 100 + v) % 97 : (remainder * 10 + v) % 97;
        }
        return remainder == 1;
    }
}
