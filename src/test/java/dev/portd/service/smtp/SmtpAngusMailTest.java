package dev.portd.service.smtp;

import static dev.portd.service.smtp.SmtpTestHosts.files;
import static dev.portd.service.smtp.SmtpTestHosts.start;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.host.Host;
import dev.portd.service.Mailbox;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jakarta Mail (Angus Mail), a client written by others, delivers through portd; the stored file is
 * the client's message byte for byte below the trace headers, and the {@link Mailbox} shows it.
 */
class SmtpAngusMailTest {
    @TempDir
    Path maildir;

    private static Session session(int port, boolean startTls) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.localhost", "client.test");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        if (startTls) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.trust", "*");
        }
        return Session.getInstance(p);
    }

    private static MimeMessage alternative(Session s, String subject) throws Exception {
        MimeMessage m = new MimeMessage(s);
        m.setFrom(new InternetAddress("app@example.com"));
        m.setRecipients(RecipientType.TO, "dev@example.org");
        m.setSubject(subject, "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Hello in text, ünïcode.", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>Hello in <b>HTML</b><script>alert(1)</script></p>", "text/html; charset=UTF-8");
        m.setContent(new MimeMultipart("alternative", text, html));
        m.saveChanges();
        return m;
    }

    @Test
    void angusMailDeliversAndTheMailboxShowsIt() throws Exception {
        try (Host host = start(maildir)) {
            Session s = session(host.tcpPort("smtp"), false);
            MimeMessage sent = alternative(s, "Grüße 1");
            Transport.send(sent);
            Transport.send(alternative(s, "second"));

            List<Path> stored = files(maildir, "new");
            assertThat(stored).hasSize(2);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            sent.writeTo(expected);
            byte[] first = Files.readAllBytes(stored.get(0));
            String text = new String(first, java.nio.charset.StandardCharsets.UTF_8);
            String body = text.substring(text.indexOf("+0000\r\n") + 7);
            assertThat(body).isEqualTo(expected.toString(java.nio.charset.StandardCharsets.UTF_8) + "\r\n"
                    .substring(expected.toString().endsWith("\r\n") ? 2 : 0));

            Mailbox mailbox = host.servicesOf(Mailbox.class).get(0);
            List<Mailbox.Summary> list = mailbox.messages();
            assertThat(list).extracting(Mailbox.Summary::subject).containsExactly("second", "Grüße 1");
            Mailbox.Summary summary = list.get(1);
            assertThat(summary.from()).isEqualTo("app@example.com");
            assertThat(summary.to()).containsExactly("dev@example.org");
            assertThat(summary.sizeBytes()).isEqualTo(first.length);
            assertThat(summary.received()).isEqualTo(SmtpTestHosts.CLOCK.instant());

            Mailbox.Message opened = mailbox.message(summary.id()).orElseThrow();
            assertThat(opened.text()).contains("Hello in text, ünïcode.");
            assertThat(opened.html()).contains("<p>Hello in <b>HTML</b><script>alert(1)</script></p>");
            assertThat(opened.headers()).extracting(e -> e.getKey())
                    .startsWith("Return-Path", "Delivered-To", "Received").contains("Subject", "MIME-Version");
            assertThat(opened.headers()).anySatisfy(e -> assertThat(e).isEqualTo(java.util.Map.entry("Subject", "Grüße 1")));
            assertThat(mailbox.raw(summary.id())).hasValue(first);

            assertThat(mailbox.message("../../etc/passwd")).isEmpty();
            assertThat(mailbox.delete(summary.id())).isTrue();
            assertThat(mailbox.delete(summary.id())).isFalse();
            assertThat(mailbox.messages()).hasSize(1);
            assertThat(mailbox.deleteAll()).isEqualTo(1);
            assertThat(files(maildir, "new")).isEmpty();
        }
    }

    @Test
    void angusMailDeliversOverStartTls() throws Exception {
        try (Host host = start(maildir)) {
            Transport.send(alternative(session(host.tcpPort("smtp"), true), "over tls"));
            String stored = Files.readString(files(maildir, "new").get(0));
            assertThat(stored).contains("with ESMTPS id").contains("Subject: over tls");
        }
    }
}
