package dev.portd.service.smtp;

/**
 * STARTTLS (RFC 3207): 220, then TLS. Whatever the client sent after the command in plaintext is
 * thrown away and the session forgets its greeting (4.2), so commands injected before the
 * handshake never run inside the TLS session (the CVE-2011-0411 class of bug).
 */
final class StartTlsCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String argument) {
        if (s.settings().tls() == null) {
            s.error(502, "5.5.1", "Error: STARTTLS is not offered");
        } else if (s.tls()) {
            s.error(503, "5.5.1", "Error: TLS already active");
        } else if (s.transaction() != null) {
            s.error(503, "5.5.1", "Error: STARTTLS inside a mail transaction");
        } else {
            s.startTls();
        }
    }
}
