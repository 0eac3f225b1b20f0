package dev.portd.service.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portd.host.Host;
import dev.portd.service.PortMappings;
import dev.portd.support.TestHosts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The portmapper kind in an embedded host: transports, self-registration, local socket, warm start, UDP limits. */
class PortmapperServiceTest {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    Host start(Map<String, Object> options) {
        StringBuilder toml = new StringBuilder("[services.echo]\n[services.portmapper]\n");
        options.forEach((key, value) -> toml.append(key).append(" = ").append(value instanceof String
                ? TestHosts.quote(value) : value).append('\n'));
        return TestHosts.start(toml.toString());
    }

    Map<String, Object> options() {
        return Map.of("state", dir.resolve("pm.state").toString(), "local_socket", dir.resolve("rpcbind.sock").toString());
    }

    static InetSocketAddress tcp(Host host) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), host.tcpPort("portmapper"));
    }

    static void pmapArgs(ByteBuf b, int prog, int vers, int prot, int port) {
        b.writeInt(prog).writeInt(vers).writeInt(prot).writeInt(port);
    }

    @Test
    void registersItselfAtItsRealPortsAndTheLocalSocket() throws IOException {
        try (Host host = start(options()); RpcClient c = RpcClient.tcp(tcp(host), TIMEOUT)) {
            XdrReader r = c.call(100000, 3, RpcbProcedures.DUMP, b -> { }).results();
            List<String> rows = new ArrayList<>();
            while (r.readBool()) {
                rows.add(r.readInt() + " " + r.readInt() + " " + r.readString(64) + " " + r.readString(256) + " " + r.readString(256));
            }
            int t = host.tcpPort("portmapper");
            int u = host.udpPort("portmapper");
            assertThat(rows).startsWith(
                    "100000 4 tcp 127.0.0.1." + (t >> 8) + "." + (t & 255) + " superuser",
                    "100000 3 tcp 127.0.0.1." + (t >> 8) + "." + (t & 255) + " superuser",
                    "100000 2 tcp 127.0.0.1." + (t >> 8) + "." + (t & 255) + " superuser",
                    "100000 4 udp 127.0.0.1." + (u >> 8) + "." + (u & 255) + " superuser");
            assertThat(rows).contains("100000 4 local " + dir.resolve("rpcbind.sock") + " superuser",
                    NamesProgram.NUMBER + " 1 tcp 127.0.0.1." + (t >> 8) + "." + (t & 255) + " superuser");
        }
    }

    @Test
    void fiveThousandGetportCallsOverUdpFromLoopbackAreAllAnsweredWithTheDefaults() throws IOException {
        int calls = 5_000;
        try (Host host = start(options()); DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udp.setSoTimeout((int) TIMEOUT.toMillis());
            java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[512], 512);
            for (int xid = 1; xid <= calls; xid++) {
                ByteBuf call = Unpooled.buffer().writeInt(xid).writeInt(0).writeInt(2).writeInt(100000).writeInt(2)
                        .writeInt(PmapProcedures.GETPORT).writeLong(0).writeLong(0);
                pmapArgs(call, 100000, 2, 17, 0);
                udp.send(new java.net.DatagramPacket(call.array(), call.readableBytes(),
                        InetAddress.getLoopbackAddress(), host.udpPort("portmapper")));
                udp.receive(reply);   // a dropped call fails here after TIMEOUT
                ByteBuffer b = ByteBuffer.wrap(reply.getData(), 0, reply.getLength());
                assertThat(b.getInt(0)).isEqualTo(xid);
                assertThat(b.getInt(24)).isEqualTo(host.udpPort("portmapper"));
            }
            assertThat(host.stats("portmapper").datagramsDropped()).isZero();
        }
    }

    static PortmapperService portmapper(Host host) {
        return host.servicesOf(PortmapperService.class).get(0);
    }

    /** True when the server has closed this connection (end of stream or reset) within 10 s. */
    static boolean closedByServer(java.net.Socket s) throws IOException {
        s.setSoTimeout(10_000);
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Test
    void recordNotFinishedWithinRecordTimeoutClosesTheConnectionAndIsCounted() throws IOException {
        Map<String, Object> options = new java.util.HashMap<>(options());
        options.put("record_timeout", "300ms");
        try (Host host = start(options); java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(),
                host.tcpPort("portmapper"))) {
            s.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 1});   // a non-final fragment, then nothing
            assertThat(closedByServer(s)).isTrue();
            assertThat(portmapper(host).recordTimeouts()).isEqualTo(1);
        }
    }

    @Test
    void recordOfTooManyFragmentsClosesTheConnectionAndIsCounted() throws IOException {
        Map<String, Object> options = new java.util.HashMap<>(options());
        options.put("max_record_fragments", 4);
        try (Host host = start(options); java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(),
                host.tcpPort("portmapper"))) {
            s.getOutputStream().write(new byte[5 * 4]);   // five empty non-final fragments
            assertThat(closedByServer(s)).isTrue();
            assertThat(portmapper(host).recordFragmentCuts()).isEqualTo(1);
            assertThat(portmapper(host).recordTimeouts()).isZero();
        }
    }

    @Test
    void callsInSeveralFragmentsWithinTheLimitsAreAnswered() throws IOException {
        Map<String, Object> options = new java.util.HashMap<>(options());
        options.put("max_record_fragments", 4);
        try (Host host = start(options); java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(),
                host.tcpPort("portmapper"))) {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            ByteBuf call = Unpooled.buffer().writeInt(9).writeInt(0).writeInt(2).writeInt(100000).writeInt(2)
                    .writeInt(PmapProcedures.GETPORT).writeLong(0).writeLong(0);
            pmapArgs(call, 100000, 2, 6, 0);
            byte[] body = java.util.Arrays.copyOf(call.array(), call.readableBytes());
            for (int round = 0; round < 3; round++) {   // 3 records of 4 fragments: the count starts again per record
                ByteBuf record = Unpooled.buffer();
                int[] cuts = {0, 10, 20, body.length - 4, body.length};
                for (int f = 0; f < 4; f++) {
                    record.writeInt((f == 3 ? 0x8000_0000 : 0) | (cuts[f + 1] - cuts[f]));
                    record.writeBytes(body, cuts[f], cuts[f + 1] - cuts[f]);
                }
                s.getOutputStream().write(record.array(), 0, record.readableBytes());
                DataInputStream in = new DataInputStream(s.getInputStream());
                int mark = in.readInt();
                byte[] reply = new byte[mark & 0x7FFF_FFFF];
                in.readFully(reply);
                assertThat(ByteBuffer.wrap(reply).getInt(24)).isEqualTo(host.tcpPort("portmapper"));
            }
            assertThat(portmapper(host).recordFragmentCuts()).isZero();
        }
    }

    @Test
    void getportOverUdpFindsWhatSetRegisteredOverTcp() throws IOException {
        try (Host host = start(options()); RpcClient c = RpcClient.tcp(tcp(host), TIMEOUT);
             DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertThat(c.call(100000, 2, PmapProcedures.SET, b -> pmapArgs(b, 300001, 2, 17, 5555)).results().readBool())
                    .isTrue();
            ByteBuf call = Unpooled.buffer().writeInt(77).writeInt(0).writeInt(2).writeInt(100000).writeInt(2)
                    .writeInt(PmapProcedures.GETPORT).writeLong(0).writeLong(0);
            pmapArgs(call, 300001, 2, 17, 0);
            udp.setSoTimeout((int) TIMEOUT.toMillis());
            udp.send(new java.net.DatagramPacket(call.array(), call.readableBytes(),
                    InetAddress.getLoopbackAddress(), host.udpPort("portmapper")));
            java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[512], 512);
            udp.receive(reply);
            ByteBuffer b = ByteBuffer.wrap(reply.getData(), 0, reply.getLength());
            assertThat(reply.getLength()).isEqualTo(28);
            assertThat(b.getInt(0)).isEqualTo(77);
            assertThat(b.getInt(20)).isEqualTo(Rpc.SUCCESS);
            assertThat(b.getInt(24)).isEqualTo(5555);
        }
    }

    @Test
    void localSocketCallerIsTheSuperuserWhenRoot() throws IOException {
        try (Host host = start(options());
             SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve("rpcbind.sock")));
            // RPCBPROC_SET v3 (300002, 1, "tcp", "0.0.0.0.8.0", "ignored") over the local socket
            ByteBuf call = Unpooled.buffer().writeInt(0).writeInt(5).writeInt(0).writeInt(2).writeInt(100000)
                    .writeInt(3).writeInt(RpcbProcedures.SET).writeLong(0).writeLong(0).writeInt(300002).writeInt(1);
            Xdr.writeString(call, "tcp");
            Xdr.writeString(call, "0.0.0.0.8.0");
            Xdr.writeString(call, "ignored");
            call.setInt(0, 0x8000_0000 | call.readableBytes() - 4);
            ch.write(call.nioBuffer());
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            int length = in.readInt() & 0x7fff_ffff;
            byte[] reply = new byte[length];
            in.readFully(reply);
            assertThat(ByteBuffer.wrap(reply).getInt(24)).isEqualTo(1);
            String owner = "root".equals(System.getProperty("user.name")) ? "superuser"
                    : Long.toString((Long) Files.getAttribute(dir, "unix:uid"));
            assertThat(registrations(host)).contains(new RpcbMapping(300002, 1, "tcp", "0.0.0.0.8.0", owner));
            assertThat(host.servicesOf(PortMappings.class).get(0).mappings())
                    .contains(new PortMappings.Mapping(300002, 1, "tcp", "0.0.0.0.8.0", owner));
        }
        assertThat(dir.resolve("rpcbind.sock")).doesNotExist();
    }

    @Test
    void registrationsSurviveARestartThroughTheStateFile() throws IOException {
        try (Host host = start(options()); RpcClient c = RpcClient.tcp(tcp(host), TIMEOUT)) {
            c.call(100000, 2, PmapProcedures.SET, b -> pmapArgs(b, 300003, 1, 6, 2049));
            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(dir.resolve("pm.state")).content().contains("300003 1 tcp 0.0.0.0.8.1 unknown"));
        }
        assertThat(dir.resolve("pm.state")).content().doesNotContain("100000");   // its own are made anew
        try (Host host = start(options()); RpcClient c = RpcClient.tcp(tcp(host), TIMEOUT)) {
            assertThat(c.call(100000, 2, PmapProcedures.GETPORT, b -> pmapArgs(b, 300003, 1, 6, 0)).results().readInt())
                    .isEqualTo(2049);
        }
    }

    @Test
    void staleSocketFileIsReplacedAndAHeldOneIsLeftAlone() throws IOException {
        Path socket = dir.resolve("rpcbind.sock");
        Files.createFile(socket);   // left over: nobody answers on it
        try (Host first = start(options())) {
            assertThat(registrations(first)).anyMatch(m -> m.netid().equals("local"));
            try (Host second = start(Map.of("local_socket", socket.toString()))) {
                assertThat(registrations(second)).noneMatch(m -> m.netid().equals("local"));
            }
            assertThat(socket).exists();
        }
    }

    @Test
    void dumpOverUdpIsLimitedPerRemoteSourceOnly() {
        RpcbRegistry registry = new RpcbRegistry(() -> { });
        registry.set(new RpcbMapping(100000, 2, "udp", "0.0.0.0.0.111", "superuser"));
        RpcDispatcher dispatcher = new RpcDispatcher(List.of(
                new PortmapperProgram(registry, new RpcbStats(), java.time.Clock.systemUTC(), false)));
        int[] limited = new int[1];
        EmbeddedChannel ch = new EmbeddedChannel(new RpcDatagramHandler(dispatcher, PortmapperProgram::amplifies, 2,
                () -> limited[0]++));
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", 111);
        for (String source : List.of("192.0.2.9", "127.0.0.1")) {
            for (int i = 0; i < 5; i++) {
                ByteBuf dump = Unpooled.buffer().writeInt(i).writeInt(0).writeInt(2).writeInt(100000).writeInt(2)
                        .writeInt(PmapProcedures.DUMP).writeLong(0).writeLong(0);
                ch.writeInbound(new DatagramPacket(dump, server, new InetSocketAddress(source, 4000)));
            }
        }
        int answered = 0;
        for (Object o; (o = ch.readOutbound()) != null; answered++) {
            ((DatagramPacket) o).release();
        }
        assertThat(answered).isEqualTo(2 + 5);
        assertThat(limited[0]).isEqualTo(3);
    }

    static List<RpcbMapping> registrations(Host host) {
        return host.servicesOf(PortmapperService.class).get(0).registrations();
    }
}
