package dev.portd.service.smtp;

/** VRFY (RFC 5321 3.5.3): 252, "cannot verify but will accept", the answer that reveals nothing. */
final class VrfyCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String argument) {
        if (argument.isBlank()) {
            s.error(501, "5.5.4", "Syntax: VRFY address");
        } else {
            s.reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
        }
    }
}
