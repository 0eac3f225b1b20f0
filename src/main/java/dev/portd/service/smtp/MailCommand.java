package dev.portd.service.smtp;

import java.util.Locale;

/**
 * MAIL FROM (RFC 5321 4.1.1.2) with the parameters of the announced extensions: SIZE (RFC 1870),
 * BODY (RFC 6152) and SMTPUTF8 (RFC 6531); any other parameter is 555.
 */
final class MailCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String argument) {
        if (!argument.regionMatches(true, 0, "FROM:", 0, 5)) {
            s.error(501, "5.5.4", "Syntax: MAIL FROM:<address>");
            return;
        }
        SmtpPath path;
        try {
            path = SmtpPath.parse(argument.substring(5));
        } catch (SmtpPath.Invalid e) {
            s.error(501, "5.1.7", e.getMessage());
            return;
        }
        boolean utf8 = false;
        for (String p : path.parameters()) {
            String key = p.contains("=") ? p.substring(0, p.indexOf('=')).toUpperCase(Locale.ROOT) : p.toUpperCase(Locale.ROOT);
            String value = p.contains("=") ? p.substring(p.indexOf('=') + 1) : null;
            switch (key) {
                case "SIZE" -> {
                    long declared;
                    try {
                        declared = Long.parseLong(value == null ? "" : value);
                    } catch (NumberFormatException e) {
                        s.error(501, "5.5.4", "Syntax: SIZE=<octets>");
                        return;
                    }
                    if (declared > s.settings().maxMessageBytes()) {
                        s.reply(552, "5.3.4", "Message size exceeds fixed limit of " + s.settings().maxMessageBytes() + " octets");
                        return;
                    }
                }
                case "BODY" -> {
                    if (value == null || !(value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"))) {
                        s.error(501, "5.5.4", "Syntax: BODY=7BIT or BODY=8BITMIME");
                        return;
                    }
                }
                case "SMTPUTF8" -> {
                    if (value != null) {
                        s.error(501, "5.5.4", "Syntax: SMTPUTF8 takes no value");
                        return;
                    }
                    utf8 = true;
                }
                default -> {
                    s.error(555, "5.5.4", "Unsupported parameter " + key);
                    return;
                }
            }
        }
        if (path.international() && !utf8) {
            s.reply(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter");
            return;
        }
        s.beginTransaction(new SmtpTransaction(path.mailbox(), utf8));
        s.reply(250, "2.1.0", "Sender <" + path.mailbox() + "> OK");
    }
}
