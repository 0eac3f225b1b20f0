package dev.portd.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.host.Host;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipelined requests (RFC 9112 section 9.3.2): every one answered, in order, however many come at once. */
class HttpPipelineTest {
    static final int REQUESTS = 1_000;

    @TempDir
    Path root;

    @BeforeEach
    void files() throws IOException {
        Files.writeString(root.resolve("a.txt"), "a\n");
        Files.writeString(root.resolve("b.txt"), "bb\n");
    }

    /** Request i asks for a.txt, b.txt or a missing file, so the answers show their order. */
    private static String request(int i) {
        String path = switch (i % 3) {
            case 0 -> "/a.txt";
            case 1 -> "/b.txt";
            default -> "/missing-" + i;
        };
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    private static void expectAnswer(int i, RawHttp.Response r) {
        switch (i % 3) {
            case 0 -> assertThat(r.text()).as("answer %d", i).isEqualTo("a\n");
            case 1 -> assertThat(r.text()).as("answer %d", i).isEqualTo("bb\n");
            default -> assertThat(r.status()).as("answer %d", i).isEqualTo(404);
        }
    }

    private static String allRequests() {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < REQUESTS; i++) {
            all.append(request(i));
        }
        return all.toString();
    }

    @RepeatedTest(3)
    void thousandRequestsInOneSendAreAllAnsweredInOrder() throws Exception {
        try (Host host = HttpTestHosts.start(Map.of("root", root.toString()));
             RawHttp c = new RawHttp(host.tcpPort("http"))) {
            c.send(allRequests());
            for (int i = 0; i < REQUESTS; i++) {
                expectAnswer(i, c.read());
            }
            c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("a\n");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void thousandRequestsThenHalfCloseAreAllAnsweredThenClosed() throws Exception {
        try (Host host = HttpTestHosts.start(Map.of("root", root.toString()));
             RawHttp c = new RawHttp(host.tcpPort("http"))) {
            c.send(allRequests());
            c.socket.shutdownOutput();
            for (int i = 0; i < REQUESTS; i++) {
                expectAnswer(i, c.read());
            }
            assertThat(c.closedByServer()).isTrue();
        }
    }

    /**
     * In an embedded channel whose route holds its answers, the bytes of a thousand requests arrive
     * in one buffer or in random pieces: the decoder hands on no more requests than the exchange may
     * queue, and once the answers flow every request is answered in order.
     */
    @RepeatedTest(3)
    void decoderNeverRunsAheadOfTheQueueHoweverTheBytesArrive(org.junit.jupiter.api.RepetitionInfo rep) {
        HeldRoute route = new HeldRoute();
        EmbeddedChannel ch = new EmbeddedChannel();
        HttpFileService.addHttp(ch.pipeline(), HttpSettings.DEFAULT, route, null);
        byte[] bytes = allRequests().getBytes(StandardCharsets.US_ASCII);
        Random random = new Random(rep.getCurrentRepetition());
        for (int at = 0; at < bytes.length; ) {
            int n = rep.getCurrentRepetition() == 1 ? bytes.length : 1 + random.nextInt(4096);
            n = Math.min(n, bytes.length - at);
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, n));
            at += n;
        }
        assertThat(route.asked).hasSize(1);   // the first, held: the rest wait as bytes or in the queue
        int answered = 0;
        while (answered < REQUESTS) {
            route.asked.get(answered).send(HttpExchange.error(io.netty.handler.codec.http.HttpResponseStatus.valueOf(200 + answered % 7)));
            answered++;
            ch.runPendingTasks();
            assertThat(route.asked.size()).isLessThanOrEqualTo(answered + 1);
        }
        List<Integer> statuses = new ArrayList<>();
        for (ByteBuf out; (out = ch.readOutbound()) != null; ) {
            String text = out.toString(StandardCharsets.US_ASCII);
            out.release();
            if (text.startsWith("HTTP/1.1 ")) {
                statuses.add(Integer.parseInt(text.substring(9, 12)));
            }
        }
        assertThat(statuses).hasSize(REQUESTS);
        for (int i = 0; i < REQUESTS; i++) {
            assertThat(statuses.get(i)).as("answer %d", i).isEqualTo(200 + i % 7);
        }
        ch.finishAndReleaseAll();
    }

    /** Answers only when the test says so. */
    private static final class HeldRoute implements HttpRoute {
        final List<HttpExchange> asked = new ArrayList<>();

        @Override
        public void handle(HttpExchange exchange) {
            asked.add(exchange);
        }
    }
}
