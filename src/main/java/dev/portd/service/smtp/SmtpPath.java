package dev.portd.service.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A reverse- or forward-path with its ESMTP parameters, parsed from the text after
 * {@code MAIL FROM:} or {@code RCPT TO:} (RFC 5321 4.1.2): {@code <local@domain> KEY=VALUE ...}.
 * A source route ({@code @a,@b:}) is dropped, as 4.1.1.3 allows. Sizes are RFC 5321 4.5.3.1's.
 *
 * @param mailbox    {@code local@domain}, empty for the null reverse-path {@code <>}
 * @param parameters the ESMTP parameters as written, e.g. {@code SIZE=1000}
 */
record SmtpPath(String mailbox, List<String> parameters) {
    static final int MAX_LOCAL_PART = 64;
    static final int MAX_DOMAIN = 255;
    static final int MAX_PATH = 256;

    /** Why a path could not be parsed; the message is the reply text. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static SmtpPath parse(String text) throws Invalid {
        String s = text.stripLeading();   // "MAIL FROM: <a@b>" is common and harmless
        if (!s.startsWith("<")) {
            throw new Invalid("Syntax: the address must be in angle brackets, e.g. <user@example.org>");
        }
        int close = closingBracket(s);
        if (close < 0) {
            throw new Invalid("Syntax: missing closing '>'");
        }
        String path = s.substring(1, close);
        if (path.startsWith("@")) {
            int colon = path.indexOf(':');
            if (colon < 0) {
                throw new Invalid("Syntax: bad source route");
            }
            path = path.substring(colon + 1);
        }
        List<String> params = new ArrayList<>();
        String rest = s.substring(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(" ")) {
            throw new Invalid("Syntax: a space must separate the address from parameters");
        }
        String words = rest.trim();
        for (int i = 0; i < words.length(); ) {   // split on runs of spaces, without a regex per command
            int end = words.indexOf(' ', i);
            end = end < 0 ? words.length() : end;
            if (end > i) {
                params.add(words.substring(i, end));
            }
            i = end + 1;
        }
        if (path.getBytes(StandardCharsets.UTF_8).length + 2 > MAX_PATH) {
            throw new Invalid("Path too long: at most " + MAX_PATH + " octets");
        }
        if (!path.isEmpty()) {
            checkMailbox(path);
        }
        return new SmtpPath(path, List.copyOf(params));
    }

    /** Whether the address has octets beyond ASCII, which need SMTPUTF8 (RFC 6531 3.4). */
    boolean international() {
        for (int i = 0; i < mailbox.length(); i++) {
            if (mailbox.charAt(i) > 0x7F) {
                return true;
            }
        }
        return false;
    }

    /** The domain, lower-cased; empty for {@code <postmaster>} and the null path. */
    String domain() {
        int at = mailbox.lastIndexOf('@');
        return at < 0 ? "" : mailbox.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
    }

    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static void checkMailbox(String path) throws Invalid {
        int at = path.lastIndexOf('@');
        if (at < 0) {
            if (path.equalsIgnoreCase("postmaster")) {   // RFC 5321 4.5.1: <Postmaster> without domain
                return;
            }
            throw new Invalid("Syntax: the address needs a domain, e.g. <user@example.org>");
        }
        String local = path.substring(0, at);
        String domain = path.substring(at + 1);
        if (local.isEmpty() || local.getBytes(StandardCharsets.UTF_8).length > MAX_LOCAL_PART) {
            throw new Invalid("Local part must be 1 to " + MAX_LOCAL_PART + " octets");
        }
        if (domain.isEmpty() || domain.getBytes(StandardCharsets.UTF_8).length > MAX_DOMAIN) {
            throw new Invalid("Domain must be 1 to " + MAX_DOMAIN + " octets");
        }
        boolean literal = domain.startsWith("[") && domain.endsWith("]");
        if (!literal && (domain.startsWith(".") || domain.endsWith(".") || domain.contains("..")
                || !domain.codePoints().allMatch(c -> c == '-' || c == '.' || Character.isLetterOrDigit(c)))) {
            throw new Invalid("Syntax: bad domain \"" + domain + "\"");
        }
        if (!local.startsWith("\"") && local.codePoints().anyMatch(c -> c <= ' ' || "()<>,;:\\\"[]@".indexOf(c) >= 0)) {
            throw new Invalid("Syntax: bad local part \"" + local + "\"");
        }
    }
}
