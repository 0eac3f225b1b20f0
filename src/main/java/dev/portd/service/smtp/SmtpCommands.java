package dev.portd.service.smtp;

import java.util.Locale;
import java.util.Map;

/**
 * The table from verb to command (SubEthaSMTP's {@code CommandRegistry}), read top to bottom.
 * Preconditions shared by several verbs wrap the row instead of repeating an {@code if} in each
 * verb; an unknown verb gets its own answer, 500 (RFC 5321 4.2.4).
 */
final class SmtpCommands {
    private SmtpCommands() {
    }

    private static final Map<String, SmtpCommand> TABLE = Map.ofEntries(
            Map.entry("EHLO", new HeloCommand(true)),
            Map.entry("HELO", new HeloCommand(false)),
            Map.entry("MAIL", greeted(noTransaction(new MailCommand()))),
            Map.entry("RCPT", greeted(hasSender(new RcptCommand()))),
            Map.entry("DATA", greeted(noArgument("DATA", hasSender(hasRecipient(new DataCommand()))))),
            Map.entry("RSET", noArgument("RSET", new RsetCommand())),
            Map.entry("NOOP", new NoopCommand()),
            Map.entry("QUIT", noArgument("QUIT", new QuitCommand())),
            Map.entry("VRFY", new VrfyCommand()),
            Map.entry("EXPN", (s, a) -> s.error(502, "5.5.1", "Error: EXPN is not implemented")),
            Map.entry("HELP", new HelpCommand()),
            Map.entry("STARTTLS", noArgument("STARTTLS", new StartTlsCommand())));

    /** The command for a verb in any case; unknown verbs get 500 5.5.2. */
    static SmtpCommand find(String verb) {
        SmtpCommand c = TABLE.get(verb.toUpperCase(Locale.ROOT));
        return c != null ? c : (s, a) -> s.error(500, "5.5.2", "Error: command not recognized");
    }

    /** The verbs HELP lists. */
    static String verbs() {
        return "EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS";
    }

    /** MAIL, RCPT and DATA need a HELO or EHLO first (RFC 5321 4.1.4). */
    static SmtpCommand greeted(SmtpCommand c) {
        return (s, a) -> {
            if (s.clientName() == null) {
                s.error(503, "5.5.1", "Error: send HELO/EHLO first");
            } else {
                c.execute(s, a);
            }
        };
    }

    /** A second MAIL inside a transaction is out of sequence (RFC 5321 4.1.4). */
    static SmtpCommand noTransaction(SmtpCommand c) {
        return (s, a) -> {
            if (s.transaction() != null) {
                s.error(503, "5.5.1", "Error: nested MAIL command");
            } else {
                c.execute(s, a);
            }
        };
    }

    static SmtpCommand hasSender(SmtpCommand c) {
        return (s, a) -> {
            if (s.transaction() == null) {
                s.error(503, "5.5.1", "Error: need MAIL command");
            } else {
                c.execute(s, a);
            }
        };
    }

    /** DATA needs a recipient; after only refused RCPTs it is 554 (RFC 2920 3.1). */
    static SmtpCommand hasRecipient(SmtpCommand c) {
        return (s, a) -> {
            SmtpTransaction t = s.transaction();
            if (!t.recipients().isEmpty()) {
                c.execute(s, a);
            } else if (t.refusedRecipients() > 0) {
                s.error(554, "5.5.1", "Error: no valid recipients");
            } else {
                s.error(503, "5.5.1", "Error: need RCPT command");
            }
        };
    }

    static SmtpCommand noArgument(String verb, SmtpCommand c) {
        return (s, a) -> {
            if (!a.isBlank()) {
                s.error(501, "5.5.4", "Syntax: " + verb + " takes no argument");
            } else {
                c.execute(s, a);
            }
        };
    }
}
