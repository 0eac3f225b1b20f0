package dev.portd.host;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.service.ServiceKinds;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The README's "Embedded in Java" example, as written there. */
class EmbeddedExampleTest {
    @Test
    void echoesWhatItGets() throws Exception {
        try (Host host = Host.builder(ServiceKinds.BUILT_IN)   // 127.0.0.1, free ports
                     .service("time")
                     .toml("""
                           [services.echo]
                           max_connections = 2
                           idle_timeout = "5s"
                           """)
                     .start();
             Socket socket = new Socket("127.0.0.1", host.tcpPort("echo"))) {
            socket.getOutputStream().write("hello\n".getBytes(US_ASCII));
            assertThat(socket.getInputStream().readNBytes(6)).isEqualTo("hello\n".getBytes(US_ASCII));
            assertThat(host.udpPort("time")).isPositive();
        }
    }
}
