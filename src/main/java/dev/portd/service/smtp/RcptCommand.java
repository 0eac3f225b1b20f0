package dev.portd.service.smtp;

/**
 * RCPT TO (RFC 5321 4.1.1.3): every address is accepted unless {@code domains} is set; at most
 * {@code max_recipients} per message (452 4.5.3 past it, 4.5.3.1.10). Never a relay: the message
 * only goes to the Maildir.
 */
final class RcptCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String argument) {
        SmtpTransaction t = s.transaction();
        if (!argument.regionMatches(true, 0, "TO:", 0, 3)) {
            t.refused();
            s.error(501, "5.5.4", "Syntax: RCPT TO:<address>");
            return;
        }
        SmtpPath path;
        try {
            path = SmtpPath.parse(argument.substring(3));
        } catch (SmtpPath.Invalid e) {
            t.refused();
            s.error(501, "5.1.3", e.getMessage());
            return;
        }
        if (path.mailbox().isEmpty()) {
            t.refused();
            s.error(501, "5.1.3", "Syntax: RCPT TO needs an address");
        } else if (!path.parameters().isEmpty()) {
            t.refused();
            s.error(555, "5.5.4", "Unsupported parameter " + path.parameters().get(0));
        } else if (path.international() && !t.utf8()) {
            t.refused();
            s.reply(553, "5.6.7", "Non-ASCII address needs SMTPUTF8 in MAIL FROM");
        } else if (!path.domain().isEmpty() && !s.settings().accepts(path.domain())) {
            t.refused();
            s.reply(550, "5.7.1", "<" + path.mailbox() + ">: Relay access denied");
        } else if (t.recipients().size() >= s.settings().maxRecipients()) {
            t.refused();
            s.reply(452, "4.5.3", "Error: too many recipients");
        } else {
            t.recipients().add(path.mailbox());
            s.reply(250, "2.1.5", "Recipient <" + path.mailbox() + "> OK");
        }
    }
}
