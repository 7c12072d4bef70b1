package com.heartbeatrm.protocol.internal;

/**
 * The fixed text forms of ids, fingerprints, pins and issuer names, checked character by character: every request,
 * credential and answer checks several, and the regular expressions they replace were a measurable share of a
 * renewal's CPU. Each method accepts exactly what its documented expression accepts (TextFormsProperties compares them).
 */
public final class TextForms {
    private TextForms() {
    }

    /**
     * {@code PREFIX_[A-Za-z0-9_-]{21}[AQgw]}: a public id, 128 bits in canonical unpadded base64url after its prefix.
     *
     * @param s      the text, may be null
     * @param prefix the id's prefix without the underscore, e.g. {@code agt}
     * @return whether {@code s} is such an id
     */
    public static boolean isId(String s, String prefix) {
        int p = prefix.length();
        return s != null && s.length() == p + 23 && s.startsWith(prefix) && s.charAt(p) == '_' && isBase64Url(s, p + 1, 22, "AQgw");
    }

    /**
     * {@code [A-Za-z0-9_-]{count-1}[LAST]} at {@code from} to the end of {@code s}: canonical unpadded base64url whose
     * last character is one of {@code last} (those that leave the unused low bits zero).
     *
     * @param s     the text, not null
     * @param from  where the encoding starts
     * @param count how many characters it has, to the end of {@code s}
     * @param last  the characters the last one may be
     * @return whether it is
     */
    public static boolean isBase64Url(String s, int from, int count, String last) {
        if (s.length() != from + count) {
            return false;
        }
        for (int i = from; i < from + count - 1; i++) {
            if (!isBase64UrlChar(s.charAt(i))) {
                return false;
            }
        }
        return last.indexOf(s.charAt(from + count - 1)) >= 0;
    }

    private static boolean isBase64UrlChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /**
     * {@code [\x21-\x7e]{1,max}}: printable ASCII without spaces.
     *
     * @param s   the text, may be null
     * @param max the most characters
     * @return whether it is
     */
    public static boolean isVisibleAscii(String s, int max) {
        if (s == null || s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code [0-9a-f]{length}}: lower-case hexadecimal of an exact length.
     *
     * @param s      the text, may be null
     * @param length the number of digits
     * @return whether it is
     */
    public static boolean isLowerHex(String s, int length) {
        if (s == null || s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
