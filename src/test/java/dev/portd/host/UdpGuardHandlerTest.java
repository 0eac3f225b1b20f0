package dev.portd.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.config.ConfigLoader;
import dev.portd.config.Limits;
import dev.portd.service.ServiceKinds;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reflection and loop guard in front of every UDP service (CVE-1999-0103). */
class UdpGuardHandlerTest {
    static final InetSocketAddress HERE = new InetSocketAddress("127.0.0.1", 7);

    private static boolean passes(int sourcePort, Set<Integer> hostPorts) {
        ServiceStats stats = new ServiceStats();
        EmbeddedChannel ch = new EmbeddedChannel(new UdpGuardHandler(Limits.DEFAULT, hostPorts, stats));
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {1}), HERE,
                new InetSocketAddress("127.0.0.1", sourcePort)));
        DatagramPacket through = ch.readInbound();
        if (through != null) {
            through.release();
        }
        ch.finishAndReleaseAll();
        return through != null;
    }

    /** The ports the table of kinds flags: the well-known ports of the kinds that answer any datagram. */
    static final Set<Integer> LOOP_PORTS = ConfigLoader.loadDefault(ServiceKinds.BUILT_IN).loopPorts();

    @Test
    void refusesDatagramFromThePortsOfKindsThatAnswerAnyDatagram() {
        assertThat(LOOP_PORTS).containsExactlyInAnyOrder(7, 13, 17, 19, 37);
        for (int port : LOOP_PORTS) {
            assertThat(passes(port, LOOP_PORTS)).as("source port %d", port).isFalse();
        }
        assertThat(passes(9, LOOP_PORTS)).as("discard never answers: no loop through it").isTrue();
    }

    @Test
    void refusesDatagramFromSourcePortZero() {
        assertThat(passes(0, Set.of())).isFalse();
    }

    @Test
    void refusesDatagramFromThisHostsOwnUdpPorts() {
        assertThat(passes(10019, Set.of(10007, 10019))).isFalse();
    }

    @Test
    void acceptsDatagramFromAnOrdinaryClientPort() {
        assertThat(passes(40000, Set.of(10007))).isTrue();
        assertThat(passes(1023, Set.of())).isTrue();
    }

    @Test
    void countsEachDropWithItsReason() {
        ServiceStats stats = new ServiceStats();
        EmbeddedChannel ch = new EmbeddedChannel(new UdpGuardHandler(Limits.DEFAULT, LOOP_PORTS, stats));
        ch.writeInbound(new DatagramPacket(Unpooled.buffer(1).writeByte(1), HERE, new InetSocketAddress("127.0.0.1", 19)));
        ch.writeInbound(new DatagramPacket(Unpooled.buffer(1).writeByte(1), HERE, new InetSocketAddress("127.0.0.1", 0)));
        assertThat(stats.droppedByReason()).containsEntry("loop guard: source port 19", 1L)
                .containsEntry("source port 0", 1L);
        assertThat(stats.datagramsIn()).isEqualTo(2);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
