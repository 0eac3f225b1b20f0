package dev.portd.service.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lines pipelined (RFC 2920) behind a message that is being stored: they wait, in order, and are
 * answered after its 250; reading goes on meanwhile and pauses only past {@link SmtpSession#MAX_WAITING_LINES}.
 * The store's executor here holds each delivery until the test runs it, so "being stored" lasts as
 * long as the test wants.
 */
class SmtpSessionQueueTest {
    @TempDir
    Path maildir;

    private final List<Runnable> deliveries = new ArrayList<>();

    private EmbeddedChannel session() throws IOException {
        MaildirStore store = new MaildirStore(maildir, false, "mx.test", deliveries::add, SmtpTestHosts.CLOCK);
        SmtpSettings settings = new SmtpSettings("mx.test", 4096, 4, 5, Duration.ZERO, Set.of(), null);
        SmtpLineDecoder decoder = new SmtpLineDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder, new SmtpSession(settings, store, decoder));
        ch.writeInbound(ascii("EHLO client.test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n"));
        assertThat(replies(ch)).endsWith("354 End data with <CR><LF>.<CR><LF>\r\n");
        return ch;
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static String replies(EmbeddedChannel ch) {
        StringBuilder b = new StringBuilder();
        for (ByteBuf out; (out = ch.readOutbound()) != null; ) {
            b.append(out.toString(StandardCharsets.UTF_8));
            out.release();
        }
        return b.toString();
    }

    private void storeAll(EmbeddedChannel ch) {
        for (int i = 0; i < 10 && !deliveries.isEmpty(); i++) {
            deliveries.remove(0).run();
            ch.runPendingTasks();
        }
        assertThat(deliveries).isEmpty();
    }

    @Test
    void aMessageBeingStoredDoesNotPauseReading() throws IOException {
        EmbeddedChannel ch = session();
        ch.writeInbound(ascii("hello\r\n.\r\nQUIT\r\n"));
        assertThat(deliveries).hasSize(1);
        assertThat(replies(ch)).isEmpty();   // no 250 before the message is stored, nor a 221 before it
        assertThat(ch.config().isAutoRead()).isTrue();
        storeAll(ch);
        assertThat(replies(ch)).matches("250 2\\.0\\.0 OK: queued as \\S+\r\n221 2\\.0\\.0 Bye\r\n");
        ch.finishAndReleaseAll();
    }

    @Test
    void readingPausesPastTheWaitingLimitAndResumesOnceEveryLineIsAnswered() throws IOException {
        EmbeddedChannel ch = session();
        int noops = SmtpSession.MAX_WAITING_LINES + 10;
        ch.writeInbound(ascii("hello\r\n.\r\n" + "NOOP\r\n".repeat(noops)));
        assertThat(ch.config().isAutoRead()).isFalse();
        assertThat(replies(ch)).isEmpty();
        storeAll(ch);
        String replies = replies(ch);
        assertThat(replies).startsWith("250 2.0.0 OK: queued as ")
                .endsWith("250 2.0.0 OK\r\n".repeat(noops));
        assertThat(replies.split("\r\n")).hasSize(noops + 1);
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.finishAndReleaseAll();
    }
}
