package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.Portd;
import dev.portd.config.Limits;
import dev.portd.config.ServiceConfig;
import dev.portd.host.Host;
import dev.portd.service.ServiceKinds;
import dev.portd.service.ServiceOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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

    record Result(int code, String out, String err) {
    }

    @BeforeAll
    static void startHost() {
        ServiceConfig pm = ServiceConfig.of(ServiceKinds.find("portmapper"), 0)
                .withOptions(new ServiceOptions(Map.of("state", "", "local_socket", "")));
        host = Host.builder().service(pm).service("echo").service(new ServiceConfig("clock",
                ServiceKinds.find("daytime"), 0, ServiceKinds.find("daytime").protocols(), List.of(), Limits.DEFAULT,
                ServiceOptions.NONE)).start();
        port = Integer.toString(host.tcpPort("portmapper"));
    }

    @AfterAll
    static void stopHost() {
        host.close();
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Portd.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void findsEchoOnTcpAndUdpWithItsPorts() {
        Result r = run("lookup", "echo", "--host", "127.0.0.1", "--port", port);
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("NAME  KIND  PROTO  HOST       PORT\n"
                + "echo  echo  tcp    127.0.0.1  " + host.tcpPort("echo") + "\n"
                + "echo  echo  udp    127.0.0.1  " + host.udpPort("echo") + "\n");
    }

    @Test
    void aKindFindsTheServiceOfThatKind() {
        Result r = run("lookup", "daytime", "-H", "127.0.0.1", "-p", port);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("clock  daytime  tcp    127.0.0.1  " + host.tcpPort("clock"));
    }

    @Test
    void allListsEveryServiceAsJson() {
        Result r = run("lookup", "--all", "--json", "--host", "127.0.0.1", "--port", port);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("\"name\" : \"portmapper\"", "\"name\" : \"echo\"", "\"name\" : \"clock\"",
                "\"port\" : " + host.udpPort("echo"));
    }

    @Test
    void unknownNameSaysSoWithTheIanaPortAsAHint() {
        Result r = run("lookup", "smtp", "--host", "127.0.0.1", "--port", port);
        assertThat(r.code()).isEqualTo(LookupCommand.NOT_FOUND);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("smtp: nothing registered under this name on 127.0.0.1 port " + port
                + "; hint: IANA's well-known port for smtp is 25/tcp, 25/udp (not checked)\n");
    }

    @Test
    void nameIanaDoesNotKnowGetsNoHint() {
        Result r = run("lookup", "frobnicator", "--host", "127.0.0.1", "--port", port);
        assertThat(r.code()).isEqualTo(LookupCommand.NOT_FOUND);
        assertThat(r.err()).isEqualTo("frobnicator: nothing registered under this name on 127.0.0.1 port " + port + "\n");
    }

    @Test
    void closedPortIsAClearRefusal() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Result r = run("lookup", "echo", "--host", "127.0.0.1", "--port", Integer.toString(closed));
        assertThat(r.code()).isEqualTo(Portd.REFUSED);
        assertThat(r.err()).startsWith("portd: cannot reach 127.0.0.1 port " + closed + ": ")
                .contains("is portd serving its portmapper there?").doesNotContain("Exception");
    }

    @Test
    void badUsageIsExitTwo() {
        assertThat(run("lookup").code()).isEqualTo(Portd.REFUSED);
        Result badPort = run("lookup", "echo", "--port", "70000");
        assertThat(badPort.code()).isEqualTo(Portd.REFUSED);
        assertThat(badPort.err()).contains("--port 70000: must be 1..65535");
        assertThat(run("lookup", "echo", "--timeout", "soon").err()).contains("--timeout soon: use a duration");
    }
}
