package dev.portd.service.smtp;

/** NOOP (RFC 5321 4.1.1.9): 250, whatever its argument. */
final class NoopCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String argument) {
        s.reply(250, "2.0.0", "OK");
    }
}
