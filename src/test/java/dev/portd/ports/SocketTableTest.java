package dev.portd.ports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.ports.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketTableTest {

    @Test
    void addressParsesIpv4HexInHostByteOrder() throws Exception {
        InetSocketAddress a = SocketTable.address("0100007F:0050");
        assertThat(a.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(a.getPort()).isEqualTo(80);
    }

    @Test
    void addressParsesIpv6HexAsFourLittleEndianWords() throws Exception {
        InetSocketAddress loopback = SocketTable.address("00000000000000000000000001000000:1F90");
        assertThat(loopback.getAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(loopback.getPort()).isEqualTo(8080);
        // 2001:db8::1 written as the kernel prints it: each 32-bit word byte-swapped
        InetSocketAddress doc = SocketTable.address("B80D0120000000000000000001000000:0019");
        assertThat(doc.getAddress()).isEqualTo(InetAddress.getByName("2001:db8::1"));
        assertThat(doc.getPort()).isEqualTo(25);
    }

    @Test
    void parsesAListeningTcpRow() {
        String row = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0";
        SocketEntry e = SocketTable.parse(row, Protocol.TCP);
        assertThat(e.state()).isEqualTo("LISTEN");
        assertThat(e.listening()).isTrue();
        assertThat(e.local().getPort()).isEqualTo(8080);
        assertThat(e.uid()).isEqualTo(1000);
        assertThat(e.inode()).isEqualTo(4242);
    }

    @Test
    void readsTablesFromADirectoryAndSkipsMissingFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("udp"), "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + "  1: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 777 2 0000000000000000 0\n");
        SocketTable table = new SocketTable(dir);
        assertThat(table.all()).singleElement().satisfies(e -> {
            assertThat(e.protocol()).isEqualTo(Protocol.UDP);
            assertThat(e.state()).isEqualTo("UNCONN");
            assertThat(e.local().getPort()).isEqualTo(53);
        });
        assertThat(table.boundTo(Protocol.UDP, 53)).hasSize(1);
        assertThat(table.boundTo(Protocol.TCP, 53)).isEmpty();
    }

    @Test
    void findsAListenerThisTestOpened() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            assertThat(new SocketTable().boundTo(Protocol.TCP, listener.getLocalPort()))
                    .anySatisfy(e -> {
                        assertThat(e.local().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
                        assertThat(e.state()).isEqualTo("LISTEN");
                        assertThat(e.inode()).isPositive();
                    });
        }
    }
}
