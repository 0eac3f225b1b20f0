package dev.portd.service.smtp;

import java.util.ArrayList;
import java.util.List;

/** HELO and EHLO (RFC 5321 4.1.1.1): greets, resets any transaction, and EHLO lists the extensions. */
final class HeloCommand implements SmtpCommand {
    private final boolean extended;

    HeloCommand(boolean extended) {
        this.extended = extended;
    }

    @Override
    public void execute(SmtpSession s, String argument) {
        String name = argument.trim();
        if (name.isEmpty() || name.contains(" ")) {
            s.error(501, "5.5.4", "Syntax: " + (extended ? "EHLO" : "HELO") + " hostname");
            return;
        }
        s.greeted(name, extended);
        String hello = s.settings().hostname() + " Hello " + name + " [" + s.clientAddress() + "]";
        if (!extended) {
            s.reply(250, null, hello);
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(hello);
        lines.add("PIPELINING");                                   // RFC 2920
        lines.add("SIZE " + s.settings().maxMessageBytes());       // RFC 1870
        lines.add("8BITMIME");                                     // RFC 6152
        lines.add("SMTPUTF8");                                     // RFC 6531
        lines.add("ENHANCEDSTATUSCODES");                          // RFC 2034
        if (s.settings().tls() != null && !s.tls()) {
            lines.add("STARTTLS");                                 // RFC 3207
        }
        lines.add("HELP");
        s.replyLines(250, lines);
    }
}
