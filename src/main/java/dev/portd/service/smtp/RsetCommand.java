package dev.portd.service.smtp;

/** RSET (RFC 5321 4.1.1.5): drops the transaction, keeps the greeting. */
final class RsetCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String argument) {
        s.beginTransaction(null);
        s.reply(250, "2.0.0", "OK");
    }
}
