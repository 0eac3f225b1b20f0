package dev.portd.service.smtp;

/** HELP (RFC 5321 4.1.1.8): the verbs this server knows. */
final class HelpCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String argument) {
        s.reply(214, "2.0.0", "Commands: " + SmtpCommands.verbs());
    }
}
