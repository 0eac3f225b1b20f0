package dev.portd.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.WritableByteChannel;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Fuzzes the HTTP request path: bytes, the paced decoder, the guard, target resolution and the file
 * route, in an embedded channel over a small root with a secret beside it (and a link to it inside).
 * Properties: no byte of the secret is ever sent; no exception reaches the end of the pipeline; nothing
 * is logged at ERROR.
 */
class HttpRequestFuzzTest {
    static final String SECRET = "SECRET-OUTSIDE-THE-ROOT";
    static final Path ROOT;
    static final HttpFileRoute ROUTE;
    static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    static {
        try {
            Path dir = Files.createTempDirectory("portd-http-fuzz");
            ROOT = Files.createDirectories(dir.resolve("www"));
            Files.writeString(ROOT.resolve("index.html"), "<h1>root</h1>");
            Files.createDirectories(ROOT.resolve("sub"));
            Files.writeString(ROOT.resolve("sub/a.txt"), "a");
            Files.writeString(dir.resolve("secret.txt"), SECRET);
            Files.createSymbolicLink(ROOT.resolve("link.txt"), dir.resolve("secret.txt"));
            Files.createSymbolicLink(ROOT.resolve("up"), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ROUTE = new HttpFileRoute(new HttpFileCache(ROOT), Runnable::run, true, true,
                "<p>welcome</p>".getBytes(StandardCharsets.UTF_8));
        LOG.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOG);
    }

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "30m")
    void requestStaysInsideRootAndNeverFails(byte[] input) throws IOException {
        List<Throwable> escaped = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel();
        HttpFileService.addHttp(ch.pipeline(), HttpSettings.DEFAULT, ROUTE, null);
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                escaped.add(cause);
            }
        });
        LOG.list.clear();
        // the input arrives in two pieces, split where its first byte says
        int split = input.length == 0 ? 0 : (input[0] & 0xFF) % (input.length + 1);
        ch.writeInbound(Unpooled.wrappedBuffer(input, 0, split));
        ch.runPendingTasks();
        if (ch.isActive()) {
            ch.writeInbound(Unpooled.wrappedBuffer(input, split, input.length - split));
        }
        ch.runPendingTasks();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (Object out; (out = ch.readOutbound()) != null; ) {
            copy(out, sent);
        }
        ch.finishAndReleaseAll();
        assertThat(sent.toString(StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
        assertThat(escaped).isEmpty();
        assertThat(LOG.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).isEmpty();
    }

    private static void copy(Object out, ByteArrayOutputStream sent) throws IOException {
        if (out instanceof ByteBuf buf) {
            buf.readBytes(sent, buf.readableBytes());
            buf.release();
        } else if (out instanceof DefaultFileRegion region) {
            try (WritableByteChannel sink = Channels.newChannel(sent)) {
                for (long at = 0; at < region.count(); ) {
                    long n = region.transferTo(sink, at);
                    if (n <= 0) {
                        break;
                    }
                    at += n;
                }
            }
            region.release();
        }
    }
}
