package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.Portd;
import dev.portd.support.PortdCli;
import dev.portd.host.Host;
import dev.portd.support.TestHosts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code portd lookup} in-process, against an embedded host whose portmapper is on a free port. */
class LookupCommandTest {
    static Host host;
    static String port;

    @BeforeAll
    static void startHost() {
        host = TestHosts.start("""
                [services.portmapper]
                state = ""
                local_socket = ""
                [services.echo]
                [services.clock]
                kind = "daytime"
                """);
        port = Integer.toString(host.tcpPort("portmapper"));
    }

    @AfterAll
    static void stopHost() {
        host.close();
    }

    static PortdCli run(String... args) {
        return PortdCli.run(args);
    }

    @Test
    void findsEchoOnTcpAndUdpWithItsPorts() {
        PortdCli r = run("lookup", "echo", "--host", "127.0.0.1", "--port", port);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("NAME  KIND  PROTO  HOST       PORT\n"
                + "echo  echo  tcp    127.0.0.1  " + host.tcpPort("echo") + "\n"
                + "echo  echo  udp    127.0.0.1  " + host.udpPort("echo") + "\n");
    }

    @Test
    void aKindFindsTheServiceOfThatKind() {
        PortdCli r = run("lookup", "daytime", "-H", "127.0.0.1", "-p", port);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("clock  daytime  tcp    127.0.0.1  " + host.tcpPort("clock"));
    }

    @Test
    void allListsEveryServiceAsJson() {
        PortdCli r = run("lookup", "--all", "--json", "--host", "127.0.0.1", "--port", port);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("\"name\" : \"portmapper\"", "\"name\" : \"echo\"", "\"name\" : \"clock\"",
                "\"port\" : " + host.udpPort("echo"));
    }

    @Test
    void unknownNameSaysSoWithTheIanaPortAsAHint() {
        PortdCli r = run("lookup", "smtp", "--host", "127.0.0.1", "--port", port);
        assertThat(r.exit()).isEqualTo(LookupCommand.NOT_FOUND);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("smtp: nothing registered under this name on 127.0.0.1 port " + port
                + "; hint: IANA's well-known port for smtp is 25/tcp, 25/udp (not checked)\n");
    }

    @Test
    void nameIanaDoesNotKnowGetsNoHint() {
        PortdCli r = run("lookup", "frobnicator", "--host", "127.0.0.1", "--port", port);
        assertThat(r.exit()).isEqualTo(LookupCommand.NOT_FOUND);
        assertThat(r.err()).isEqualTo("frobnicator: nothing registered under this name on 127.0.0.1 port " + port + "\n");
    }

    @Test
    void closedPortIsAClearRefusal() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        PortdCli r = run("lookup", "echo", "--host", "127.0.0.1", "--port", Integer.toString(closed));
        assertThat(r.exit()).isEqualTo(Portd.REFUSED);
        assertThat(r.err()).startsWith("portd: cannot reach 127.0.0.1 port " + closed + ": ")
                .contains("is portd serving its portmapper there?").doesNotContain("Exception");
    }

    @Test
    void badUsageIsExitTwo() {
        assertThat(run("lookup").exit()).isEqualTo(Portd.REFUSED);
        PortdCli badPort = run("lookup", "echo", "--port", "70000");
        assertThat(badPort.exit()).isEqualTo(Portd.REFUSED);
        assertThat(badPort.err()).contains("--port 70000: must be 1..65535");
        assertThat(run("lookup", "echo", "--timeout", "soon").err()).contains("--timeout soon: use a duration");
    }
}
