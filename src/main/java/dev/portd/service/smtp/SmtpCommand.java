package dev.portd.service.smtp;

/** One SMTP verb (RFC 5321 4.1.1): acts on the session and answers through it. */
@FunctionalInterface
interface SmtpCommand {
    /** Runs the verb; {@code argument} is the text after the verb and one space, possibly empty. */
    void execute(SmtpSession session, String argument);
}
