package dev.portd.service.smtp;

import dev.portd.support.PortdProcess;

import static dev.portd.service.smtp.SmtpTestHosts.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of the Maildir store: a burst of messages from several sessions while portd is
 * killed with SIGKILL; every message the client saw a 250 for is in new/, complete, and every file
 * in new/ is a whole message. A restart clears what the kill left in tmp/.
 */
class SmtpCrashIT {
    static final int CLIENTS = 8;
    /** Kill after this many 250s, so the kill lands in the middle of the burst. */
    static final int ACCEPTED_BEFORE_KILL = 150;
    static final int MAX_PER_CLIENT = 2_000;

    /** Any reply other than 250 to a final dot: a failure of the test, gathered from the client threads. */
    static final List<String> REFUSALS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    /** A message whose every line names it, about 4 KiB, so a torn file cannot pass for whole. */
    static String body(int client, int n) {
        StringBuilder b = new StringBuilder("Subject: crash " + client + "-" + n + "\r\n\r\n");
        for (int i = 0; i < 64; i++) {
            b.append("message ").append(client).append('-').append(n).append(" line ").append(i)
                    .append(" ").append("x".repeat(40)).append("\r\n");
        }
        return b.toString();
    }

    @Test
    void everyAcceptedMessageSurvivesKillMinus9() throws Exception {
        Path maildir = dir.resolve("mail");
        Map<String, String> accepted = new ConcurrentHashMap<>();   // file name in new/ -> body
        Map<String, String> sent = new ConcurrentHashMap<>();       // subject -> body, whether accepted or not
        AtomicInteger acceptedCount = new AtomicInteger();
        try (PortdProcess portd = SmtpProcess.start(dir, maildir)) {
            Thread[] clients = new Thread[CLIENTS];
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients[c] = new Thread(() -> send(portd.tcpPort("smtp"), client, sent, accepted, acceptedCount), "client-" + c);
                clients[c].start();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> acceptedCount.get() >= ACCEPTED_BEFORE_KILL);
            portd.kill9();
            for (Thread t : clients) {
                t.join(20_000);
                assertThat(t.isAlive()).as("%s ended after the kill", t.getName()).isFalse();
            }
        }
        assertThat(REFUSALS).isEmpty();
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(ACCEPTED_BEFORE_KILL);
        for (Map.Entry<String, String> e : accepted.entrySet()) {
            Path file = maildir.resolve("new").resolve(e.getKey());
            assertThat(file).as("accepted message %s", e.getKey()).exists();
            assertThat(stripTrace(file)).isEqualTo(e.getValue());
        }
        List<Path> inNew = files(maildir, "new");
        for (Path file : inNew) {   // at most the few in flight at the kill were stored without their 250
            String text = stripTrace(file);
            String subject = text.substring("Subject: ".length(), text.indexOf("\r\n"));
            assertThat(text).as("%s is a whole message", file).isEqualTo(sent.get(subject));
        }
        assertThat(inNew.size() - accepted.size()).isBetween(0, CLIENTS);

        try (PortdProcess again = SmtpProcess.start(dir, maildir)) {
            assertThat(files(maildir, "tmp")).isEmpty();
            assertThat(files(maildir, "new")).hasSameSizeAs(inNew);
        }
    }

    private static String stripTrace(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(s).startsWith("Return-Path: <crash@x.test>\r\n");
        return s.substring(s.indexOf("+0000\r\n") + 7);
    }

    private static void send(int port, int client, Map<String, String> sent, Map<String, String> accepted,
                             AtomicInteger count) {
        try (SmtpDialogue d = SmtpDialogue.connect(port)) {
            d.expect("220 ").send("EHLO client" + client + ".test").expect("250 ");
            for (int n = 0; n < MAX_PER_CLIENT; n++) {
                String body = body(client, n);
                sent.put("crash " + client + "-" + n, body);
                d.raw("MAIL FROM:<crash@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n");
                d.expect("250 ").expect("250 ").expect("354 ");
                d.raw(body + ".\r\n");
                String reply = d.reply();
                if (!reply.startsWith("250 2.0.0 OK: queued as ")) {
                    REFUSALS.add(reply);
                return;
                }
                accepted.put(reply.substring(reply.indexOf("queued as ") + 10).trim(), body);
                count.incrementAndGet();
            }
        } catch (IOException killed) {
            // the server died mid-session: expected, and this message was not accepted
        }
    }
}
