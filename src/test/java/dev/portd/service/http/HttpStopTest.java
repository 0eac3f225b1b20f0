package dev.portd.service.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.host.Host;
import dev.portd.support.Tcp;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the host stops, kept-alive and event-stream connections close without waiting out the grace period. */
class HttpStopTest {

    static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("closed before the end of the head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void keptAliveAndEventStreamConnectionsCloseWhenTheHostStops() throws Exception {
        Host host = dev.portd.support.TestHosts.start("[host]\ngrace = \"5m\"\n[services.http]\n[services.dashboard]");
        try (Socket page = Tcp.connect(host.tcpPort("http"));
             Socket events = Tcp.connect(host.tcpPort("dashboard"))) {
            page.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(US_ASCII));
            String head = readHead(page.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 200");
            int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
            Tcp.readExactly(page.getInputStream(), length);   // the connection stays open: keep-alive

            events.getOutputStream().write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(US_ASCII));
            assertThat(readHead(events.getInputStream())).startsWith("HTTP/1.1 200").contains("text/event-stream");

            Thread closer = new Thread(host::close);
            closer.start();
            assertThat(page.getInputStream().read()).as("kept-alive connection closed").isEqualTo(-1);
            events.getInputStream().readAllBytes();   // the stream ends, then the connection closes
            closer.join(60_000);
            assertThat(closer.isAlive()).as("close() returned long before its 5-minute grace").isFalse();
        }
    }
}
