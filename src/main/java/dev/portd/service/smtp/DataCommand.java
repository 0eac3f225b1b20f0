package dev.portd.service.smtp;

/** DATA (RFC 5321 4.1.1.4): 354, then the session reads text lines until CRLF.CRLF. */
final class DataCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String argument) {
        s.beginData();
    }
}
