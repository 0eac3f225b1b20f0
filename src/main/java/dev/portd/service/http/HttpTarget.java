package dev.portd.service.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request target (RFC 9112 section 3.2) made safe to map onto a directory: percent-decoded as
 * UTF-8 once, split into segments, and refused when any segment could step outside the root.
 *
 * @param path  the decoded path, always starting with "/", "." segments and repeated slashes
 *              removed, a trailing slash kept; the cache key
 * @param query the raw query with its "?", or ""
 */
record HttpTarget(String path, String query) {

    /** The decoded segments of the path, none of them empty, "." or "..". */
    List<String> segments() {
        List<String> segments = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        return segments;
    }

    /** Why a target was refused: 400 for one that is not well-formed, 403 for one that tries to leave the root. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String why) {
            super(why, null, false, false);
            this.status = status;
        }
    }

    static HttpTarget parse(String uri) throws Refused {
        String raw = uri;
        if (raw.startsWith("http://") || raw.startsWith("https://")) {   // absolute-form, RFC 9112 3.2.2
            int slash = raw.indexOf('/', raw.indexOf("//") + 2);
            raw = slash < 0 ? "/" : raw.substring(slash);
        }
        if (raw.isEmpty() || raw.charAt(0) != '/') {
            throw new Refused(400, "not an origin-form target");
        }
        int q = raw.indexOf('?');
        String query = q < 0 ? "" : raw.substring(q);
        String encoded = q < 0 ? raw : raw.substring(0, q);
        if (encoded.indexOf('#') >= 0) {
            throw new Refused(400, "fragment in target");
        }
        if (plain(encoded)) {
            return new HttpTarget(encoded, query);
        }
        String decoded = decode(encoded);
        List<String> segments = new ArrayList<>();
        StringBuilder path = new StringBuilder(decoded.length());
        for (String segment : decoded.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..") || segment.indexOf('\\') >= 0) {
                throw new Refused(403, "segment leaves the root: " + segment);
            }
            segments.add(segment);
            path.append('/').append(segment);
        }
        if (segments.isEmpty() || decoded.endsWith("/")) {
            path.append('/');
        }
        return new HttpTarget(path.toString(), query);
    }

    /**
     * The common case, taken as it is: no escapes, backslashes or control characters, and no empty,
     * "." or ".." segment.
     */
    private static boolean plain(String p) {
        char prev = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '%' || c == '#' || c == '\\' || c < 0x21 || c >= 0x7f || c == '/' && prev == '/'
                    || c == '.' && prev == '/') {
                return false;
            }
            prev = c;
        }
        return true;
    }

    /** Decodes %XX escapes as UTF-8; a bad escape, bad UTF-8 or a NUL or other control character is 400. */
    static String decode(String s) throws Refused {
        boolean plain = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' || c < 0x20 || c >= 0x7f) {
                plain = false;
                break;
            }
        }
        if (plain) {
            return s;
        }
        ByteBuffer bytes = ByteBuffer.allocate(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
                if (lo < 0) {
                    throw new Refused(400, "bad percent escape");
                }
                bytes.put((byte) (hi << 4 | lo));
                i += 2;
            } else if (c < 0x80) {
                bytes.put((byte) c);
            } else {
                throw new Refused(400, "raw non-ASCII in target");
            }
        }
        bytes.flip();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new Refused(400, "not UTF-8");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new Refused(400, "control character in path");
            }
        }
        return text;
    }
}
