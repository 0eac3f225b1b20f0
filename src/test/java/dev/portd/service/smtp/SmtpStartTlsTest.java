package dev.portd.service.smtp;

import static dev.portd.service.smtp.SmtpTestHosts.start;
import static dev.portd.service.smtp.SmtpTestHosts.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.host.Host;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STARTTLS (RFC 3207) with the certificate made at start, and the plaintext-injection defence. */
class SmtpStartTlsTest {
    @TempDir
    Path maildir;

    @Test
    void mailOverTlsIsStoredWithEsmtps() throws Exception {
        try (Host host = start(maildir); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 HELP");
            d.send("STARTTLS").expect("220 2.0.0 Ready to start TLS");
            d.handshake();
            d.send("EHLO client.test");
            String ehlo = d.reply();
            assertThat(ehlo).contains("250-PIPELINING").doesNotContain("STARTTLS");
            d.send("STARTTLS").expect("503 5.5.1 Error: TLS already active");
            d.send("MAIL FROM:<a@x.test>").expect("250 ").send("RCPT TO:<b@y.test>").expect("250 ");
            d.send("DATA").expect("354 ").raw("secret\r\n.\r\n");
            String reply = d.reply();
            assertThat(Files.readString(stored(maildir, reply), StandardCharsets.UTF_8))
                    .isEqualTo(SmtpSessionTest.trace("a@x.test", "b@y.test", SmtpTestHosts.id(reply), "ESMTPS")
                            + "secret\r\n");
        }
    }

    @Test
    void commandsPipelinedAfterStartTlsAreDiscarded() throws Exception {
        try (Host host = start(maildir); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 HELP");
            d.raw("STARTTLS\r\nMAIL FROM:<injected@x.test>\r\nRCPT TO:<victim@y.test>\r\n");
            d.expect("220 2.0.0 Ready to start TLS");
            d.handshake();
            // the injected MAIL never ran, and the EHLO from before TLS is forgotten (RFC 3207 4.2)
            d.send("RCPT TO:<b@y.test>").expect("503 5.5.1 Error: send HELO/EHLO first");
            d.send("EHLO client.test").expect("250 HELP");
            d.send("RCPT TO:<b@y.test>").expect("503 5.5.1 Error: need MAIL command");
        }
    }

    @Test
    void startTlsCanBeSwitchedOff() throws Exception {
        try (Host host = start(maildir, "starttls", false); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test");
            assertThat(d.reply()).doesNotContain("STARTTLS");
            d.send("STARTTLS").expect("502 5.5.1");
        }
    }
}
