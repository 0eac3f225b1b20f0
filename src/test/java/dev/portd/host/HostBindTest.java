package dev.portd.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portd.service.Service;
import dev.portd.service.ServiceKind;
import dev.portd.support.TestHosts;
import dev.portd.support.Tcp;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The host binds all listeners or none, and explains each failure with its cause and remedy. */
class HostBindTest {
    static final long PID = ProcessHandle.current().pid();

    static String service(String kind, int port, String protocol) {
        return "[services." + kind + "]\nport = " + port + "\nprotocols = [\"" + protocol + "\"]\n";
    }

    /** A kind no table holds: the host serves whatever kind it is handed. */
    static final ServiceKind HELLO = ServiceKind.of("hello", 4242, ServiceKind.TCP, ctx -> new Service() {
        @Override
        public void initStream(Channel connection) {
            connection.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext c) {
                    c.writeAndFlush(Unpooled.copiedBuffer("hello " + ctx.name() + "\n", java.nio.charset.StandardCharsets.US_ASCII))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            });
        }
    }, "says hello");

    @Test
    void hostServesAKindItWasHanded() throws Exception {
        try (Host host = Host.builder(List.of(HELLO)).toml("[services.greeter]\nkind = \"hello\"").start()) {
            assertThat(new String(Tcp.readAll(host.tcpPort("greeter")), java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("hello greeter\n");
            assertThat(host.listeners()).singleElement().satisfies(l -> assertThat(l.kind()).isEqualTo("hello"));
        }
    }

    @Test
    void busyTcpPortNamesTheProgramThatHoldsIt() throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = holder.getLocalPort();
            var e = catchThrowableOfType(BindFailedException.class, () -> TestHosts.start(service("echo", port, "tcp")));
            assertThat(e.problems()).singleElement().satisfies(p -> {
                assertThat(p.label()).isEqualTo("tcp/" + port + " echo");
                assertThat(p.cause()).startsWith("address in use: held by java (pid " + PID + ", user ");
                assertThat(p.remedy()).isEqualTo("stop that program, or give services.echo another port");
                assertThat(p.toString()).startsWith("tcp/" + port + " echo on 127.0.0.1:" + port
                        + ": address in use: held by java (pid " + PID);
            });
        }
    }

    @Test
    void busyUdpPortIsFoundToo() throws Exception {
        try (DatagramSocket holder = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = holder.getLocalPort();
            var e = catchThrowableOfType(BindFailedException.class, () -> TestHosts.start(service("time", port, "udp")));
            assertThat(e.problems()).singleElement().extracting(BindProblem::cause).asString()
                    .startsWith("address in use: held by java (pid " + PID);
        }
    }

    @Test
    void oneFailureLeavesNothingBound() throws Exception {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var e = catchThrowableOfType(BindFailedException.class, () -> TestHosts.start(
                    service("echo", free, "tcp") + service("time", holder.getLocalPort(), "tcp")));
            assertThat(e.problems()).hasSize(1);
        }
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), free));   // echo's port was released
            assertThat(again.isBound()).isTrue();
        }
    }

    @Test
    void everyFailureIsReportedAtOnce() throws Exception {
        try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            var e = catchThrowableOfType(BindFailedException.class, () -> TestHosts.start(
                    service("echo", a.getLocalPort(), "tcp") + service("time", b.getLocalPort(), "udp")));
            assertThat(e.problems()).extracting(BindProblem::label)
                    .containsExactly("tcp/" + a.getLocalPort() + " echo", "udp/" + b.getLocalPort() + " time");
        }
    }

    @Test
    void addressNotOnThisHostSaysSo() {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a real host; nothing is sent
        var e = catchThrowableOfType(BindFailedException.class, () -> TestHosts.start("""
                [host]
                bind = "192.0.2.1"
                [services.echo]
                """));
        assertThat(e.problems()).hasSize(2).allSatisfy(p -> {
            assertThat(p.cause()).isEqualTo("address 192.0.2.1 is not on this host");
            assertThat(p.remedy()).contains("ip -brief address");
        });
    }

    @Test
    void listensOnEveryAddressGivenIpv4AndIpv6() throws Exception {
        try (Host host = TestHosts.start("""
                [host]
                bind = ["127.0.0.1", "::1"]
                [services.echo]
                """)) {
            assertThat(host.listeners()).extracting(l -> l.address().getAddress().getHostAddress())
                    .contains("127.0.0.1", "0:0:0:0:0:0:0:1");
        } catch (BindFailedException e) {
            // a machine without IPv6 on loopback: the IPv4 half must still have been tried
            assertThat(e.problems()).allSatisfy(p -> assertThat(p.address().getAddress().getHostAddress()).contains(":"));
        }
    }

    @Test
    void closeLetsOpenConnectionsFinishThenClosesTheRest() throws Exception {
        Host host = TestHosts.start("[host]\ngrace = \"30s\"\n[services.echo]");
        int port = host.tcpPort("echo");
        try (Socket s = Tcp.connect(port)) {
            s.getOutputStream().write('0');
            assertThat(s.getInputStream().read()).as("served before the host stops").isEqualTo('0');
            Thread closer = new Thread(host::close);
            closer.start();
            // stops accepting: a new connection is refused once the listener is closed
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return false;
                } catch (java.io.IOException refused) {
                    return true;
                }
            });
            // the open connection is still served during the grace period
            s.getOutputStream().write('a');
            assertThat(s.getInputStream().read()).isEqualTo('a');
            assertThat(closer.isAlive()).as("close waits for the open connection").isTrue();
            s.shutdownOutput();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            closer.join(10_000);
            assertThat(closer.isAlive()).as("close returns once the connection has finished").isFalse();
        }
    }

    @Test
    void afterTheGracePeriodOpenConnectionsAreClosed() throws Exception {
        Host host = TestHosts.start("[host]\ngrace = \"200ms\"\n[services.echo]");
        try (Socket s = Tcp.connect(host.tcpPort("echo"))) {
            s.getOutputStream().write('0');
            assertThat(s.getInputStream().read()).isEqualTo('0');
            host.close();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void embeddedHostReportsItsBoundPorts() {
        try (Host host = TestHosts.kinds("echo", "daytime")) {
            assertThat(host.tcpPort("echo")).isPositive();
            assertThat(host.udpPort("daytime")).isPositive();
            assertThat(host.listeners()).hasSize(4);
            assertThat(host.transport()).isIn("epoll", "nio");
            assertThat(List.of(host.tcpPort("echo"), host.tcpPort("daytime"))).doesNotHaveDuplicates();
        }
    }
}
