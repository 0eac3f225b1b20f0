package dev.portd.service.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes an SMTP session: bytes, the line decoder, the commands, into a Maildir (not fsynced).
 * Properties: a message is stored only after a whole DATA (its end line was sent) and each "queued
 * as" names one stored file, never twice; nothing is left in tmp/; no exception escapes the session.
 *
 * <p>Speed: one Maildir and one store serve every input (the Maildir emptied after each), on tmpfs
 * (/dev/shm) where the machine has it. A Maildir made, opened and removed per input on disk held the
 * fuzzer to ~400 inputs a second (~1,700 now); what is checked per input is the same.
 */
class SmtpSessionFuzzTest {
    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 OK: queued as (\\S+)");
    private static final Path SHM = Path.of("/dev/shm");
    private static Path maildir;
    private static MaildirStore store;

    @BeforeAll
    static void createMaildir() throws IOException {
        maildir = Files.isDirectory(SHM) && Files.isWritable(SHM)
                ? Files.createTempDirectory(SHM, "portd-smtp-fuzz")
                : Files.createTempDirectory("portd-smtp-fuzz");
        store = new MaildirStore(maildir, false, "mx.test", Runnable::run, SmtpTestHosts.CLOCK);
    }

    @AfterAll
    static void removeMaildir() throws IOException {
        try (Stream<Path> walk = Files.walk(maildir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "30m")
    void messageStoredOnlyAfterWholeDataAndOnce(byte[] input) throws IOException {
        try {
            SmtpSettings settings = new SmtpSettings("mx.test", 4096, 4, 5, Duration.ZERO, Set.of(), null);
            SmtpLineDecoder decoder = new SmtpLineDecoder();
            List<Throwable> escaped = new ArrayList<>();
            EmbeddedChannel ch = new EmbeddedChannel();
            ch.pipeline().addLast(decoder, new SmtpSession(settings, store, decoder), new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    escaped.add(cause);
                }
            });
            ch.writeInbound(Unpooled.wrappedBuffer(input));
            ch.runPendingTasks();
            StringBuilder replies = new StringBuilder();
            for (Object out; (out = ch.readOutbound()) != null; ) {
                replies.append(((ByteBuf) out).toString(StandardCharsets.UTF_8));
                ((ByteBuf) out).release();
            }
            ch.finishAndReleaseAll();
            List<String> queued = new ArrayList<>();
            Matcher m = QUEUED.matcher(replies);
            while (m.find()) {
                queued.add(m.group(1));
            }
            List<String> stored = names(maildir.resolve("new"));
            assertThat(names(maildir.resolve("tmp"))).isEmpty();
            assertThat(queued).doesNotHaveDuplicates();
            assertThat(stored).containsExactlyInAnyOrderElementsOf(queued);
            String text = new String(input, StandardCharsets.ISO_8859_1);
            int ends = text.split("\n\\.\r?\n", -1).length - 1;
            assertThat(stored.size()).as("stored messages, data ends sent").isLessThanOrEqualTo(ends);
            assertThat(escaped).isEmpty();
        } finally {
            for (String dir : List.of("new", "tmp", "cur")) {
                for (String name : names(maildir.resolve(dir))) {
                    Files.delete(maildir.resolve(dir).resolve(name));
                }
            }
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
