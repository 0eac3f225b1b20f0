package dev.portd.service.smtp;

/** QUIT (RFC 5321 4.1.1.10): 221, then the server closes. */
final class QuitCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String argument) {
        s.replyAndClose(221, "2.0.0", "Bye");
    }
}
