package dev.portd.cli;

import dev.portd.support.PortdCli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class WhoCommandTest {
    private static final long MY_PID = ProcessHandle.current().pid();

    @Test
    void findsTheListenerThisTestOpenedWithItsPid() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = listener.getLocalPort();
            PortdCli r = PortdCli.run("who", String.valueOf(port));
            assertThat(r.exit()).isZero();
            assertThat(r.out()).startsWith("PROTO  STATE   LOCAL");
            assertThat(r.out()).containsPattern("(?m)^tcp +LISTEN +127\\.0\\.0\\.1:" + port + " +\\* +" + MY_PID + " +\\S+ +.*java");
        }
    }

    @Test
    void listsUdpSocketsAndFiltersByProtocol() throws Exception {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int port = udp.getLocalPort();
            assertThat(PortdCli.run("who", String.valueOf(port)).out()).containsPattern("(?m)^udp +UNCONN +127\\.0\\.0\\.1:" + port);
            assertThat(PortdCli.run("who", String.valueOf(port), "--tcp").out()).contains("nothing listens on port " + port + " (tcp)");
        }
    }

    @Test
    void allAddsEstablishedConnections() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             Socket client = new Socket("127.0.0.1", listener.getLocalPort());
             Socket served = listener.accept()) {
            int port = listener.getLocalPort();
            assertThat(PortdCli.run("who", String.valueOf(port)).out()).doesNotContain("ESTABLISHED");
            PortdCli all = PortdCli.run("who", String.valueOf(port), "--all");
            assertThat(all.out()).containsPattern("(?m)^tcp +ESTABLISHED +127\\.0\\.0\\.1:" + port
                    + " +127\\.0\\.0\\.1:" + client.getLocalPort() + " +" + MY_PID);
        }
    }

    @Test
    void jsonCarriesPidAndCommand() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("::1"))) {
            PortdCli r = PortdCli.run("who", String.valueOf(listener.getLocalPort()), "--json");
            JsonNode socket = new ObjectMapper().readTree(r.out()).get("sockets").get(0);
            assertThat(socket.get("local").asText()).isEqualTo("[::1]");
            assertThat(socket.get("pid").asLong()).isEqualTo(MY_PID);
            assertThat(socket.get("command").asText()).contains("java");
        }
    }

    @Test
    void saysWhenNothingListensAndRefusesBadPorts() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            free = s.getLocalPort();
        }
        PortdCli none = PortdCli.run("who", String.valueOf(free), "--tcp");
        assertThat(none.exit()).isZero();
        assertThat(none.out()).isEqualTo("nothing listens on port " + free + " (tcp)\n");
        PortdCli bad = PortdCli.run("who", "70000");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("port 70000 is outside 1-65535");
    }
}
