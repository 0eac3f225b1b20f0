package dev.portd.service.smtp;

import static dev.portd.service.smtp.SmtpTestHosts.files;
import static dev.portd.service.smtp.SmtpTestHosts.start;
import static dev.portd.service.smtp.SmtpTestHosts.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.host.Host;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 5321 dialogues against an embedded host, each stored message checked byte for byte. */
class SmtpSessionTest {
    @TempDir
    Path maildir;

    static String trace(String from, String to, String id, String protocol) {
        return "Return-Path: <" + from + ">\r\n"
                + "Delivered-To: " + to + "\r\n"
                + "Received: from client.test ([127.0.0.1])\r\n"
                + "\tby mx.test (portd) with " + protocol + " id " + id + "\r\n"
                + "\tfor <" + to + ">; Sun, 29 Nov 2026 05:00:00 +0000\r\n";
    }

    private static String bytes(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    @Test
    void greetsAndAnnouncesExtensionsInEhlo() throws Exception {
        try (Host host = start(maildir); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            assertThat(d.reply()).isEqualTo("220 mx.test ESMTP portd\r\n");
            d.send("EHLO client.test");
            assertThat(d.reply()).isEqualTo("250-mx.test Hello client.test [127.0.0.1]\r\n"
                    + "250-PIPELINING\r\n250-SIZE 26214400\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
                    + "250-ENHANCEDSTATUSCODES\r\n250-STARTTLS\r\n250 HELP\r\n");
            d.send("HELO client.test").expect("250 mx.test Hello client.test");
            d.send("QUIT").expect("221 2.0.0 Bye");
            d.expectClosed();
        }
    }

    @Test
    void storesMessageWithTraceHeadersAndDotUnstuffing() throws Exception {
        try (Host host = start(maildir); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 HELP");
            d.send("MAIL FROM:<alice@example.com>").expect("250 2.1.0");
            d.send("RCPT TO:<bob@example.org>").expect("250 2.1.5");
            d.send("DATA").expect("354 ");
            d.raw("Subject: hi\r\n\r\n..leading dot\r\n.\r\nnot the end\r\n.\r\n");
            String reply = d.reply();
            assertThat(reply).startsWith("250 2.0.0 OK: queued as ");
            assertThat(bytes(stored(maildir, reply))).isEqualTo(
                    trace("alice@example.com", "bob@example.org", SmtpTestHosts.id(reply), "ESMTP")
                            + "Subject: hi\r\n\r\n.leading dot\r\n");
        }
    }

    @Test
    void pipelinedTransactionsInOneWriteGetRepliesInOrder() throws Exception {
        try (Host host = start(maildir); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 HELP");
            d.raw("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nRCPT TO:<c@y.test>\r\nDATA\r\n");
            d.expect("250 2.1.0").expect("250 2.1.5").expect("250 2.1.5").expect("354 ");
            d.raw("one\r\n.\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n");
            String first = d.reply();
            d.expect("250 2.1.0").expect("250 2.1.5").expect("354 ");
            d.raw("two\r\n.\r\nQUIT\r\n");
            String second = d.reply();
            d.expect("221 ");
            assertThat(first).startsWith("250 2.0.0 OK");
            assertThat(second).startsWith("250 2.0.0 OK");
            assertThat(bytes(stored(maildir, first))).startsWith(
                    "Return-Path: <a@x.test>\r\nDelivered-To: b@y.test\r\nDelivered-To: c@y.test\r\n")
                    .contains("with ESMTP id " + SmtpTestHosts.id(first) + "; Sun, 29 Nov 2026")
                    .endsWith("\r\n\r\none\r\n".substring(4));
            assertThat(bytes(stored(maildir, second))).endsWith("+0000\r\ntwo\r\n");
            assertThat(files(maildir, "new")).hasSize(2);
        }
    }

    @Test
    void ipv6ClientIsAnAddressLiteralInTheTrace() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/proc/net/if_inet6")), "no IPv6 here");
        try (Host host = dev.portd.support.TestHosts.start("[host]\nbind = \"::1\"\n[services.smtp]\nhostname = \"mx.test\"\n"
                + "maildir = " + dev.portd.support.TestHosts.quote(maildir));
             var s = new java.net.Socket("::1", host.tcpPort("smtp"))) {
            s.setSoTimeout(10_000);
            var out = s.getOutputStream();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("220 ");
            out.write("HELO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("250 mx.test Hello client.test [IPv6:::1]");
        }
    }

    @Test
    void halfCloseAfterPipelinedQuitStillGetsEveryReply() throws Exception {
        try (Host host = start(maildir); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 ");
            d.raw("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n").expect("250 ").expect("250 ").expect("354 ");
            d.raw("x\r\n.\r\nQUIT\r\n").shutdownOutput();
            d.expect("250 2.0.0 OK").expect("221 2.0.0");
            d.expectClosed();
            assertThat(files(maildir, "new")).hasSize(1);
        }
    }

    @Test
    void commandsOutOfSequenceAre503() throws Exception {
        try (Host host = start(maildir); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("MAIL FROM:<a@x.test>").expect("503 5.5.1 Error: send HELO/EHLO first");
            d.send("EHLO client.test").expect("250 ");
            d.send("RCPT TO:<b@y.test>").expect("503 5.5.1 Error: need MAIL command");
            d.send("DATA").expect("503 5.5.1 Error: need MAIL command");
            d.send("MAIL FROM:<a@x.test>").expect("250 ");
            d.send("DATA").expect("503 5.5.1 Error: need RCPT command");
            d.send("MAIL FROM:<a@x.test>").expect("503 5.5.1 Error: nested MAIL command");
            d.send("RSET").expect("250 2.0.0");
            d.send("RCPT TO:<b@y.test>").expect("503 5.5.1");
        }
    }

    @Test
    void otherVerbsAnswerAsRfc5321Says() throws Exception {
        try (Host host = start(maildir); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("NOOP anything").expect("250 2.0.0 OK");
            d.send("VRFY bob").expect("252 2.5.0");
            d.send("EXPN list").expect("502 5.5.1");
            d.send("HELP").expect("214 2.0.0 Commands:");
            d.send("BOGUS").expect("500 5.5.2 Error: command not recognized");
            d.send("EHLO").expect("501 5.5.4 Syntax: EHLO hostname");
            d.send("QUIT now").expect("501 5.5.4");
            d.send("quit").expect("221 2.0.0");
        }
    }

    @Test
    void addressAndParameterErrors() throws Exception {
        try (Host host = start(maildir, "max_message_bytes", 1000L); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 HELP");
            d.send("MAIL FROM:alice@x.test").expect("501 5.1.7");
            d.send("MAIL FROM:<a@x.test> SIZE=1001").expect("552 5.3.4");
            d.send("MAIL FROM:<a@x.test> BODY=BINARYMIME").expect("501 5.5.4");
            d.send("MAIL FROM:<a@x.test> FOO=1").expect("555 5.5.4");
            d.send("MAIL FROM:<" + "l".repeat(65) + "@x.test>").expect("501 5.1.7");
            d.send("MAIL FROM:<jörg@x.test>").expect("553 5.6.7");
            d.send("MAIL FROM: <a@x.test> SIZE=1000 BODY=8BITMIME").expect("250 2.1.0");
            d.send("RCPT TO:<>").expect("501 5.1.3");
            d.send("RCPT TO:<postmaster>").expect("250 2.1.5");
        }
    }

    @Test
    void smtputf8AddressesAreStoredAsUtf8() throws Exception {
        try (Host host = start(maildir); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 ");
            d.send("MAIL FROM:<jörg@bücher.test> SMTPUTF8").expect("250 2.1.0");
            d.send("RCPT TO:<用户@例子.test>").expect("250 2.1.5");
            d.send("DATA").expect("354 ").raw("Subject: ünïcode\r\n\r\nbody\r\n.\r\n");
            String reply = d.reply();
            assertThat(bytes(stored(maildir, reply))).isEqualTo(
                    trace("jörg@bücher.test", "用户@例子.test", SmtpTestHosts.id(reply), "UTF8SMTP")
                            + "Subject: ünïcode\r\n\r\nbody\r\n");
        }
    }

    @Test
    void recipientLimitAndDomains() throws Exception {
        try (Host host = start(maildir, "max_recipients", 2L, "domains", List.of("Example.org"));
             var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 ");
            d.send("MAIL FROM:<a@elsewhere.test>").expect("250 ");
            d.send("RCPT TO:<x@other.test>").expect("550 5.7.1");
            d.send("RCPT TO:<a@EXAMPLE.org>").expect("250 2.1.5");
            d.send("RCPT TO:<b@example.org>").expect("250 2.1.5");
            d.send("RCPT TO:<c@example.org>").expect("452 4.5.3");
        }
    }

    @Test
    void dataAfterOnlyRefusedRecipientsIs554() throws Exception {
        try (Host host = start(maildir, "domains", List.of("example.org"));
             var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 ");
            d.raw("MAIL FROM:<a@x.test>\r\nRCPT TO:<x@other.test>\r\nDATA\r\n");
            d.expect("250 ").expect("550 5.7.1").expect("554 5.5.1 Error: no valid recipients");
        }
    }

    @Test
    void badCommandLinesAre500AndTheSessionGoesOn() throws Exception {
        try (Host host = start(maildir); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ");
            d.raw("NOOP\n").expect("500 5.5.2 Error: bare <LF> received");
            d.raw("NOOP\rNOOP\r\n").expect("500 5.5.2 Error: bare <CR> received");
            d.raw("NOOP \0\r\n").expect("500 5.5.2 Error: NUL octet received");
            d.send("NOOP " + "x".repeat(512 - 6)).expect("500 5.5.2 Error: line too long");
            d.send("NOOP " + "x".repeat(512 - 7)).expect("250 ");   // exactly 512 with CRLF
            d.raw("NOOP " + "y".repeat(5000) + "\r\nNOOP\r\n").expect("500 5.5.2").expect("250 ");
        }
    }

    @Test
    void badTextIsRefusedAtTheFinalDotAndNothingStored() throws Exception {
        try (Host host = start(maildir, "max_message_bytes", 100L); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 ");
            String[][] cases = {
                    {"a\nb\r\n", "554 5.6.0 Error: bare <LF>"},
                    {"a\rb\r\n", "554 5.6.0 Error: bare <CR>"},
                    {"a\0b\r\n", "554 5.6.0 Error: NUL"},
                    {"x".repeat(999) + "\r\n", "500 5.5.2 Error: text line too long"},
                    {"x".repeat(60) + "\r\n" + "y".repeat(60) + "\r\n", "552 5.3.4"},
                    // SMTP smuggling: a dot after a bare LF ends nothing; only CRLF.CRLF does
                    {"a\n.\nMAIL FROM:<evil@x.test>\r\n", "554 5.6.0"},
            };
            for (String[] c : cases) {
                d.send("MAIL FROM:<a@x.test>").expect("250 ").send("RCPT TO:<b@y.test>").expect("250 ");
                d.send("DATA").expect("354 ").raw(c[0] + ".\r\n").expect(c[1]);
            }
            d.send("MAIL FROM:<a@x.test>").expect("250 2.1.0");   // the session goes on
            d.send("RCPT TO:<b@y.test>").expect("250 ").send("DATA").expect("354 ");
            d.raw("x".repeat(998) + "\r\n.\r\n").expect("552 5.3.4");
            assertThat(files(maildir, "new")).isEmpty();
            assertThat(files(maildir, "tmp")).isEmpty();
        }
    }

    @Test
    void dataBeforeRcptWithPipelinedMessageIsRefusedLineByLine() throws Exception {
        try (Host host = start(maildir, "max_errors", 4L); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 ");
            d.raw("MAIL FROM:<a@x.test>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n");
            d.expect("250 2.1.0").expect("503 5.5.1 Error: need RCPT command");
            d.expect("500 5.5.2").expect("500 5.5.2").expect("500 5.5.2");
            d.expect("421 4.7.0 mx.test Error: too many errors");
            d.expectClosed();
            assertThat(files(maildir, "new")).isEmpty();
        }
    }

    @Test
    void garbagePipelinedAfterDataIsASynchronizationError() throws Exception {
        try (Host host = start(maildir); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 ");
            d.raw("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\nSubject: no wait\r\n\r\nx\r\n.\r\n");
            d.expect("250 ").expect("250 ").expect("554 5.5.0 Error: SMTP protocol synchronization");
            d.expectClosed();
            assertThat(files(maildir, "new")).isEmpty();
        }
    }

    @Test
    void disconnectMidDataLeavesNothingInNew() throws Exception {
        try (Host host = start(maildir)) {
            try (var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
                d.expect("220 ").send("EHLO client.test").expect("250 ");
                d.send("MAIL FROM:<a@x.test>").expect("250 ").send("RCPT TO:<torn@y.test>").expect("250 ");
                d.send("DATA").expect("354 ").raw("Subject: torn\r\n\r\nhalf a message\r\n");
            }
            try (var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {   // a later message proves the first was seen
                d.expect("220 ").send("HELO client.test").expect("250 ");
                d.send("MAIL FROM:<a@x.test>").expect("250 ").send("RCPT TO:<whole@y.test>").expect("250 ");
                d.send("DATA").expect("354 ").raw("whole\r\n.\r\n").expect("250 2.0.0");
            }
            List<Path> stored = files(maildir, "new");
            assertThat(stored).hasSize(1);
            assertThat(bytes(stored.get(0))).contains("Delivered-To: whole@y.test").doesNotContain("torn");
            assertThat(files(maildir, "tmp")).isEmpty();
        }
    }

    @Test
    void tooManyErrorsEndsTheSessionWith421() throws Exception {
        try (Host host = start(maildir, "max_errors", 3L); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").raw("X\r\nY\r\nZ\r\nNOOP\r\n");
            d.expect("500 ").expect("500 ").expect("500 ").expect("421 4.7.0");
            d.expectClosed();
        }
    }

    @Test
    void idleSessionGets421() throws Exception {
        try (Host host = start(maildir, "timeout", Duration.ofMillis(300)); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").expect("421 4.4.2 mx.test Error: timeout exceeded");
            d.expectClosed();
        }
    }

    @Test
    void diskErrorIs451AndTheSessionGoesOn() throws Exception {
        try (Host host = start(maildir); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            Files.delete(maildir.resolve("new"));
            Files.writeString(maildir.resolve("new"), "not a directory");   // root ignores modes, not file types
            d.expect("220 ").send("EHLO client.test").expect("250 ");
            d.send("MAIL FROM:<a@x.test>").expect("250 ").send("RCPT TO:<b@y.test>").expect("250 ");
            d.send("DATA").expect("354 ").raw("x\r\n.\r\n").expect("451 4.3.0");
            assertThat(files(maildir, "tmp")).isEmpty();
            d.send("NOOP").expect("250 ");
            Files.delete(maildir.resolve("new"));
            Files.createDirectory(maildir.resolve("new"));
            d.send("MAIL FROM:<a@x.test>").expect("250 ").send("RCPT TO:<b@y.test>").expect("250 ");
            d.send("DATA").expect("354 ").raw("x\r\n.\r\n").expect("250 2.0.0");
        }
    }

    @Test
    void leftoversInTmpAreRemovedAtStart() throws Exception {
        Files.createDirectories(maildir.resolve("tmp"));
        Files.writeString(maildir.resolve("tmp").resolve("123.M1P1Q1.crashed"), "half");
        try (Host host = start(maildir)) {
            assertThat(files(maildir, "tmp")).isEmpty();
            assertThat(Files.isDirectory(maildir.resolve("cur"))).isTrue();
        }
    }

    @Test
    void nonDurableModeStoresTheSameBytes() throws Exception {
        try (Host host = start(maildir, "durable", false); var d = SmtpDialogue.connect(host.tcpPort("smtp"))) {
            d.expect("220 ").send("EHLO client.test").expect("250 ");
            d.send("MAIL FROM:<a@x.test>").expect("250 ").send("RCPT TO:<b@y.test>").expect("250 ");
            d.send("DATA").expect("354 ").raw("fast\r\n.\r\n");
            String reply = d.reply();
            assertThat(bytes(stored(maildir, reply)))
                    .isEqualTo(trace("a@x.test", "b@y.test", SmtpTestHosts.id(reply), "ESMTP") + "fast\r\n");
        }
    }
}
