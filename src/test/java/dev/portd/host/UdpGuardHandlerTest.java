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
        EmbeddedChannel ch = new EmbeddedChannel(new UdpGuardHandler(Limits.DEFAULT, hostPorts, stats, true));
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
        EmbeddedChannel ch = new EmbeddedChannel(new UdpGuardHandler(Limits.DEFAULT, LOOP_PORTS, stats, true));
        ch.writeInbound(new DatagramPacket(Unpooled.buffer(1).writeByte(1), HERE, new InetSocketAddress("127.0.0.1", 19)));
        ch.writeInbound(new DatagramPacket(Unpooled.buffer(1).writeByte(1), HERE, new InetSocketAddress("127.0.0.1", 0)));
        assertThat(stats.droppedByReason()).containsEntry("loop guard: source port 19", 1L)
                .containsEntry("source port 0", 1L);
        assertThat(stats.datagramsIn()).isEqualTo(2);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    /** How many of {@code sent} datagrams from {@code source} within one second pass the guard. */
    private static int answered(Limits limits, boolean amplifies, String source, int sent) {
        EmbeddedChannel ch = new EmbeddedChannel(new UdpGuardHandler(limits, Set.of(), new ServiceStats(), amplifies));
        int through = 0;
        for (int i = 0; i < sent; i++) {
            ch.writeInbound(new DatagramPacket(Unpooled.buffer(1).writeByte(1), HERE, new InetSocketAddress(source, 40000)));
            DatagramPacket p = ch.readInbound();
            if (p != null) {
                p.release();
                through++;
            }
        }
        ch.finishAndReleaseAll();
        return through;
    }

    @Test
    void amplifyingKindIsRateLimitedForRemoteSourcesOnly() {
        int limit = Limits.DEFAULT.udpRepliesPerSecond();
        assertThat(answered(Limits.DEFAULT, true, "10.1.2.3", limit * 3)).as("chargen to a remote source").isEqualTo(limit);
        assertThat(answered(Limits.DEFAULT, true, "2001:db8::7", limit * 3)).isEqualTo(limit);
        assertThat(answered(Limits.DEFAULT, true, "127.0.0.1", limit * 3)).as("loopback: not spoofable").isEqualTo(limit * 3);
        assertThat(answered(Limits.DEFAULT, true, "::1", limit * 3)).isEqualTo(limit * 3);
        assertThat(answered(Limits.DEFAULT, true, "::ffff:127.0.0.2", limit * 3)).isEqualTo(limit * 3);
    }

    @Test
    void kindWhoseRepliesAreNoLargerIsNotRateLimited() {
        int limit = Limits.DEFAULT.udpRepliesPerSecond();
        assertThat(answered(Limits.DEFAULT, false, "10.1.2.3", limit * 3)).as("echo, GETPORT").isEqualTo(limit * 3);
    }

    @Test
    void udpLimitAllLimitsEveryKindAndSource() {
        Limits all = new Limits(0, 0, java.time.Duration.ZERO, java.util.List.of(), java.util.List.of(), 5, true);
        assertThat(answered(all, false, "127.0.0.1", 20)).isEqualTo(5);
        assertThat(answered(all, true, "10.1.2.3", 20)).isEqualTo(5);
        Limits none = new Limits(0, 0, java.time.Duration.ZERO, java.util.List.of(), java.util.List.of(), 0, true);
        assertThat(answered(none, true, "10.1.2.3", 20)).as("0: no limit").isEqualTo(20);
    }
}
