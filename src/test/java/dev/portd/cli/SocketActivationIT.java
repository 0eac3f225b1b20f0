package dev.portd.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portd.support.PortdProcess;
import dev.portd.support.Shell;
import dev.portd.support.Tcp;
import dev.portd.support.Udp;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * systemd socket activation: the sockets come bound from {@code systemd-socket-activate} (the
 * tool systemd ships to test it without PID 1), and portd serves on them instead of binding.
 */
class SocketActivationIT {

    /** systemd-socket-activate says "Listening on 127.0.0.1:P as 3." once its socket is bound. */
    static void awaitListening(PortdProcess p) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> p.err().contains("Listening on"));
    }

    @Test
    void servesOnAPassedTcpSocket(@TempDir Path dir) throws Exception {
        assumeTrue(Shell.has("systemd-socket-activate"), "systemd-socket-activate (package systemd) is not installed");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path config = dir.resolve("echo.toml");
        Files.writeString(config, "[services.echo]\nport = " + port + "\nprotocols = [\"tcp\"]\n");
        try (PortdProcess portd = PortdProcess.startCommand(List.of("systemd-socket-activate", "-l", "127.0.0.1:" + port,
                PortdProcess.java(), "-jar", PortdProcess.jar().toString(), "serve", "--config", config.toString()))) {
            awaitListening(portd);
            // the first connection makes systemd-socket-activate start portd, which then accepts it
            try (Socket s = Tcp.connect(port)) {
                s.getOutputStream().write("activated\n".getBytes(US_ASCII));
                assertThat(new String(Tcp.readExactly(s.getInputStream(), 10), US_ASCII)).isEqualTo("activated\n");
            }
            assertThat(portd.awaitServing()).containsPattern("127.0.0.1 +" + port);
            assertThat(portd.err()).contains("tcp/" + port + " echo takes fd 3 from systemd");
            portd.terminate();
            assertThat(portd.exitCode()).isZero();
        }
    }

    @Test
    void servesOnAPassedUdpSocket(@TempDir Path dir) throws Exception {
        assumeTrue(Shell.has("systemd-socket-activate"), "systemd-socket-activate (package systemd) is not installed");
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path config = dir.resolve("time.toml");
        Files.writeString(config, "[services.time]\nport = " + port + "\nprotocols = [\"udp\"]\n");
        try (PortdProcess portd = PortdProcess.startCommand(List.of("systemd-socket-activate", "--datagram",
                "-l", "127.0.0.1:" + port, PortdProcess.java(), "-jar", PortdProcess.jar().toString(),
                "serve", "--config", config.toString()));
             Udp udp = Udp.to(port)) {
            awaitListening(portd);
            udp.send(new byte[0]);   // wakes systemd-socket-activate, which starts portd; portd then reads it
            assertThat(udp.receive(30_000)).hasValueSatisfying(reply -> assertThat(reply).hasSize(4));
            assertThat(portd.err()).contains("udp/" + port + " time takes fd 3 from systemd");
            portd.terminate();
            assertThat(portd.exitCode()).isZero();
        }
    }
}
