package dev.portd.service.smtp;

import dev.portd.support.PortdProcess;

import static dev.portd.service.smtp.SmtpTestHosts.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real clients written by others (Python's smtplib, swaks) against {@code portd serve}. */
class SmtpClientsIT {
    @TempDir
    Path dir;

    private static boolean installed(String tool) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(p, tool))) {
                return true;
            }
        }
        return false;
    }

    private String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** The stored file's text below portd's trace headers. */
    private static String body(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(s).startsWith("Return-Path: <");
        return s.substring(s.indexOf("+0000\r\n") + 7);
    }

    static final String PYTHON = String.join("\n",
            "import smtplib, ssl, sys",
            "port, tls = int(sys.argv[1]), sys.argv[2] == 'tls'",
            "msg = b'Subject: py\\r\\n\\r\\n.dot line\\r\\nsecond\\r\\n'",
            "with smtplib.SMTP('127.0.0.1', port, local_hostname='client.test', timeout=10) as s:",
            "    if tls:",
            "        s.starttls(context=ssl._create_unverified_context())",
            "    s.ehlo('client.test')",
            "    assert s.has_extn('pipelining') and s.has_extn('smtputf8') and s.has_extn('size')",
            "    s.sendmail('py@x.test', ['b@y.test', 'c@y.test'], msg)",
            "    refused = None",
            "    try:",
            "        s.sendmail('py@x.test', ['d@y.test'], b'x' * 2000 + b'\\r\\n')",
            "    except smtplib.SMTPDataError as e:",
            "        refused = e.smtp_code",
            "    assert refused == 500, refused",
            "print('ok')");

    @Test
    void pythonSmtplibDeliversPlainAndOverStartTls() throws Exception {
        Path maildir = dir.resolve("mail");
        try (PortdProcess portd = SmtpProcess.start(dir, maildir)) {
            assertThat(run("python3", "-c", PYTHON, String.valueOf(portd.tcpPort("smtp")), "plain")).contains("ok");
            assertThat(run("python3", "-c", PYTHON, String.valueOf(portd.tcpPort("smtp")), "tls")).contains("ok");
            List<Path> stored = files(maildir, "new");
            assertThat(stored).hasSize(2);
            for (Path f : stored) {
                assertThat(body(f)).isEqualTo("Subject: py\r\n\r\n.dot line\r\nsecond\r\n");
            }
            assertThat(Files.readString(stored.get(0))).contains("Delivered-To: b@y.test\r\nDelivered-To: c@y.test\r\n");
            List<String> protocols = new ArrayList<>();
            for (Path f : stored) {
                protocols.add(Files.readString(f).contains("with ESMTPS id") ? "ESMTPS" : "ESMTP");
            }
            assertThat(protocols).containsExactlyInAnyOrder("ESMTP", "ESMTPS");
        }
    }

    @Test
    void swaksDeliversWithPipeliningAndStartTls() throws Exception {
        assumeTrue(installed("swaks"), "swaks is not installed (apt-get install -y swaks)");
        Path maildir = dir.resolve("mail");
        Path message = dir.resolve("msg.eml");
        Files.writeString(message, "Subject: sw\r\n\r\n..two dots\r\nbody from swaks\r\n");
        try (PortdProcess portd = SmtpProcess.start(dir, maildir)) {
            String server = "127.0.0.1:" + portd.tcpPort("smtp");
            String plain = run("swaks", "--server", server, "--from", "a@x.test", "--to", "b@y.test",
                    "--helo", "client.test", "--pipeline", "--data", "@" + message);
            assertThat(plain).contains("<-  250 2.0.0 OK: queued as");
            String tls = run("swaks", "--server", server, "--from", "a@x.test", "--to", "b@y.test",
                    "--helo", "client.test", "--pipeline", "--tls", "--data", "@" + message);
            assertThat(tls).contains("TLS started").contains("<~  250 2.0.0 OK: queued as");
            List<Path> stored = files(maildir, "new");
            assertThat(stored).hasSize(2);
            for (Path f : stored) {   // swaks ends the data with CRLF before the dot
                assertThat(body(f)).isEqualTo("Subject: sw\r\n\r\n..two dots\r\nbody from swaks\r\n\r\n");
            }
        }
    }
}
