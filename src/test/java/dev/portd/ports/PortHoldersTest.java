package dev.portd.ports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.ports.Protocol;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortHoldersTest {
    private static final long MY_PID = ProcessHandle.current().pid();

    @Test
    void aTcpListenerThisTestOpenedIsHeldByThisJvm() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            List<PortHolders.Holder> holders = new PortHolders().of(Protocol.TCP, listener.getLocalPort());
            assertThat(holders).singleElement().satisfies(h -> {
                assertThat(h.process()).isPresent();
                assertThat(h.process().get().pid()).isEqualTo(MY_PID);
                assertThat(h.process().get().commandLine()).contains("java");
            });
            assertThat(PortHolders.describe(holders, Protocol.TCP, listener.getLocalPort()))
                    .startsWith("held by ").contains("pid " + MY_PID);
        }
    }

    @Test
    void aUdpSocketThisTestOpenedIsHeldByThisJvm() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(new PortHolders().of(Protocol.UDP, socket.getLocalPort()))
                    .singleElement().satisfies(h -> assertThat(h.process().get().pid()).isEqualTo(MY_PID));
        }
    }

    @Test
    void listingAllListeningSocketsIncludesThisTestsListener() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            assertThat(new PortHolders().sockets(false)).anySatisfy(h -> {
                assertThat(h.socket().local().getPort()).isEqualTo(listener.getLocalPort());
                assertThat(h.process().map(ProcessInfo::pid)).contains(MY_PID);
            });
        }
    }

    @Test
    void aHolderWhoseProcessCannotBeSeenIsSaidToBeHiddenNotGuessed(@TempDir Path emptyProc) throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            PortHolders blind = new PortHolders(new SocketTable(), new ProcessTable(emptyProc));
            List<PortHolders.Holder> holders = blind.of(Protocol.TCP, listener.getLocalPort());
            assertThat(holders).singleElement().satisfies(h -> assertThat(h.process()).isEmpty());
            assertThat(PortHolders.describe(holders, Protocol.TCP, listener.getLocalPort()))
                    .doesNotContain("pid").contains("portd who " + listener.getLocalPort());
        }
    }

    @Test
    void nobodyHoldsAPortNothingListensOn() {
        assertThat(PortHolders.describe(List.of(), Protocol.TCP, 9)).contains("not visible");
    }
}
