package dev.portd.service.smtp;

import static dev.portd.service.ServiceKind.TCP;

import dev.portd.service.OptionSpec;
import dev.portd.service.OptionSpec.Type;
import dev.portd.service.ServiceKind;
import java.util.List;

/** The row of the SMTP receiver (RFC 5321), for the table in {@code ServiceKinds}. */
public final class SmtpServices {
    private SmtpServices() {
    }

    public static final List<ServiceKind> KINDS = List.of(
            new ServiceKind("smtp", 25, TCP, List.of(
                    new OptionSpec("maildir", Type.PATH, "the Maildir every accepted message is stored in (tmp/, new/, cur/); default \"./mail\""),
                    new OptionSpec("durable", Type.BOOLEAN, "force each message to disk before the 250 reply; default true"),
                    new OptionSpec("hostname", Type.STRING, "the name in the greeting and Received headers; default: this machine's"),
                    new OptionSpec("max_message_bytes", Type.INTEGER, "largest message accepted, announced as SIZE; default 26214400 (25 MiB)"),
                    new OptionSpec("max_recipients", Type.INTEGER, "recipients per message, then 452 4.5.3; default 100 (RFC 5321 4.5.3.1.8)"),
                    new OptionSpec("max_errors", Type.INTEGER, "protocol errors in a session before 421 and close; default 10"),
                    new OptionSpec("timeout", Type.DURATION, "a session silent this long gets 421 and is closed; default \"5m\" (RFC 5321 4.5.3.2.7)"),
                    new OptionSpec("domains", Type.STRING_LIST, "accept recipients only in these domains (550 5.7.1 for others); default: every address"),
                    new OptionSpec("tls_cert", Type.PATH, "PEM certificate chain for STARTTLS; default: a self-signed one made at start"),
                    new OptionSpec("tls_key", Type.PATH, "PEM PKCS#8 private key of tls_cert"),
                    new OptionSpec("starttls", Type.BOOLEAN, "offer STARTTLS (RFC 3207); default true")),
                    SmtpService::new, "RFC 5321: receives mail and stores it durably in a Maildir"));
}
