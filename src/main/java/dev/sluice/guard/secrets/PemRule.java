package dev.sluice.guard.secrets;

/**
 * A PEM private key block: {@code -----BEGIN ... PRIVATE KEY-----} through its END line, or to
 * the end of the text when the block is cut off. Header lines are checked by hand; each BEGIN and
 * END is looked at once.
 */
final class PemRule implements SecretRule {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final CharClass LABEL = c -> c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ';

    @Override
    public String type() {
        return "private_key";
    }

    @Override
    public void find(String text, String lower, Sink sink) {
        int from = 0;
        int p;
        while ((p = text.indexOf(BEGIN, from)) >= 0) {
            int headerEnd = privateKeyLabel(text, p + BEGIN.length());
            if (headerEnd < 0) {
                from = p + 1;
                continue;
            }
            int end = text.length();
            int q = headerEnd;
            while ((q = text.indexOf(END, q)) >= 0) {
                int footerEnd = privateKeyLabel(text, q + END.length());
                if (footerEnd >= 0) {
                    end = footerEnd;
                    break;
                }
                q++;
            }
            sink.found(type(), p, end);
            from = end;
        }
    }

    /** After BEGIN/END: {@code [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----}; the index after the dashes, or -1. */
    private static int privateKeyLabel(String text, int from) {
        int i = from;
        while (i < text.length() && LABEL.has(text.charAt(i))) {
            i++;
        }
        if (!text.startsWith("-----", i)) {
            return -1;
        }
        String label = text.substring(from, i);
        return label.endsWith("PRIVATE KEY") || label.endsWith("PRIVATE KEY BLOCK") ? i + 5 : -1;
    }
}
