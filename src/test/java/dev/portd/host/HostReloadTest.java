package dev.portd.host;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.portd.config.ConfigException;
import dev.portd.config.HostConfig;
import dev.portd.service.HostView.Reload;
import dev.portd.support.Tcp;
import dev.portd.support.TestHosts;
import dev.portd.support.Udp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload: the new plan against the running one, all or nothing, without dropping anyone. */
class HostReloadTest {

    static HostConfig config(String toml) {
        return TestHosts.builder().toml(toml).config();
    }

    static boolean echoes(Socket s) throws IOException {
        try {
            s.getOutputStream().write("x".getBytes(US_ASCII));
            return s.getInputStream().read() == 'x';
        } catch (IOException e) {
            return false;
        }
    }

    static boolean refused(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void keptListenerKeepsItsSocketAndConnectionsWhileNewOptionsApplyToNewConnections() throws Exception {
        try (Host host = TestHosts.start("[services.echo]\n")) {
            int port = host.tcpPort("echo");
            try (Socket open = Tcp.connect(port)) {
                assertThat(echoes(open)).isTrue();
                Reload r = host.reload(config("[services.echo]\ndeny = [\"127.0.0.0/8\"]\n"));
                assertThat(r.applied()).as(r.lines().toString()).isTrue();
                assertThat(host.tcpPort("echo")).isEqualTo(port);
                assertThat(echoes(open)).as("the open connection goes on under the old rules").isTrue();
                try (Socket late = Tcp.connect(port)) {
                    assertThat(echoes(late)).as("a new connection meets the new deny").isFalse();
                }
                assertThat(host.stats("echo").refusedByReason()).containsKey("denied");
            }
        }
    }

    @Test
    void changedUdpOptionsApplyToTheSameSocket() throws Exception {
        try (Host host = TestHosts.start("[services.echo]\n");
             Udp udp = Udp.to(host.udpPort("echo"))) {
            int port = host.udpPort("echo");
            assertThat(udp.exchange("a".getBytes(US_ASCII))).isEqualTo("a".getBytes(US_ASCII));
            assertThat(host.reload(config("[services.echo]\ndeny = [\"127.0.0.1\"]\n")).applied()).isTrue();
            assertThat(host.udpPort("echo")).isEqualTo(port);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                udp.send("b".getBytes(US_ASCII));
                return host.stats("echo").droppedByReason().containsKey("denied");
            });
        }
    }

    @Test
    void removedServiceStopsAcceptingAtOnceAndItsConnectionsEndWithinGrace() throws Exception {
        try (Host host = TestHosts.start("[host]\ngrace = \"200ms\"\n[services.echo]\n[services.discard]\n")) {
            int echo = host.tcpPort("echo");
            int discard = host.tcpPort("discard");
            try (Socket open = Tcp.connect(discard)) {
                open.getOutputStream().write(1);
                await().atMost(Duration.ofSeconds(5)).until(() -> host.stats("discard").openConnections() == 1);
                Reload r = host.reload(config("[host]\ngrace = \"200ms\"\n[services.echo]\n"));
                assertThat(r.applied()).isTrue();
                assertThat(r.lines()).anyMatch(l -> l.contains("discard: removed; 1 open connections get up to 200 ms"));
                assertThat(refused(discard)).as("no longer accepting").isTrue();
                assertThat(open.getInputStream().read()).as("closed by the host after the grace").isEqualTo(-1);
                assertThat(host.listeners()).extracting(l -> l.service()).containsOnly("echo");
                try (Socket s = Tcp.connect(echo)) {
                    assertThat(echoes(s)).isTrue();
                }
            }
        }
    }

    @Test
    void addedServiceBinds() throws Exception {
        try (Host host = TestHosts.start("[services.echo]\nprotocols = [\"tcp\"]\n")) {
            Reload r = host.reload(config("[services.echo]\nprotocols = [\"tcp\"]\n[services.daytime]\nprotocols = [\"tcp\"]\n"));
            assertThat(r.applied()).isTrue();
            assertThat(r.summary()).startsWith("applied: 1 added, 0 removed, 1 kept");
            assertThat(Tcp.readAll(host.tcpPort("daytime"))).isNotEmpty();
            assertThat(host.lastReload()).isSameAs(r);
        }
    }

    @Test
    void badConfigChangesNothingAndListsEveryProblem() throws Exception {
        try (Host host = TestHosts.start("[services.echo]\n")) {
            int port = host.tcpPort("echo");
            Reload r = host.reload(() -> config("[services.echo]\nmax_connections = -1\n[services.nope]\n"));
            assertThat(r.applied()).isFalse();
            assertThat(r.lines()).hasSize(2);
            assertThat(r.lines().get(0)).contains("services.echo.max_connections = -1");
            assertThat(r.lines().get(1)).contains("services.nope");
            assertThat(r.summary()).isEqualTo("refused: 2 problems; still serving the previous config");
            try (Socket s = Tcp.connect(port)) {
                assertThat(echoes(s)).isTrue();
            }
            assertThat(host.lastReload()).isSameAs(r);
        }
    }

    @Test
    void busyPortOfAnAddedListenerRefusesTheWholeReload() throws Exception {
        try (Host host = TestHosts.start("[services.echo]\nprotocols = [\"tcp\"]\n");
             ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HostConfig next = config("[services.daytime]\nprotocols = [\"tcp\"]\n"
                    + "[services.discard]\nprotocols = [\"tcp\"]\nport = " + busy.getLocalPort() + "\n");
            Reload r = host.reload(next);
            assertThat(r.applied()).isFalse();
            assertThat(r.lines()).singleElement().asString()
                    .startsWith("tcp/" + busy.getLocalPort() + " discard").contains("address in use");
            assertThat(host.listeners()).extracting(l -> l.service()).containsExactly("echo");
            try (Socket s = Tcp.connect(host.tcpPort("echo"))) {
                assertThat(echoes(s)).as("echo, absent from the refused config, still serves").isTrue();
            }
        }
    }

    @Test
    void aKeptListenerWhoseServiceChangesKindServesTheNewKindEitherWay() throws Exception {
        // daytime's listener answers at accept, echo's builds a pipeline: each must serve the other kind
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String daytime = "[services.x]\nkind = \"daytime\"\nprotocols = [\"tcp\"]\nport = " + port + "\n";
        String echo = daytime.replace("\"daytime\"", "\"echo\"");
        for (String[] change : new String[][] {{daytime, echo}, {echo, daytime}}) {
            try (Host host = TestHosts.start(change[0])) {
                Reload r = host.reload(config(change[1]));
                assertThat(r.applied()).as(r.lines().toString()).isTrue();
                if (change[1] == echo) {
                    try (Socket s = Tcp.connect(port)) {
                        assertThat(echoes(s)).isTrue();
                    }
                } else {
                    assertThat(new String(Tcp.readAll(port), US_ASCII)).endsWith("\r\n");
                    assertThat(host.stats("x").totalConnections()).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void renamedServiceOnTheSamePortKeepsTheSocket() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (Host host = TestHosts.start("[services.echo]\nprotocols = [\"tcp\"]\nport = " + port + "\n")) {
            Reload r = host.reload(config("[services.mirror]\nkind = \"echo\"\nprotocols = [\"tcp\"]\nport = " + port + "\n"));
            assertThat(r.applied()).as(r.lines().toString()).isTrue();
            assertThat(host.tcpPort("mirror")).isEqualTo(port);
            try (Socket s = Tcp.connect(port)) {
                assertThat(echoes(s)).isTrue();
            }
        }
    }

    @Test
    void smtpMessageMidDataCompletesWhenItsServiceIsRemoved(@TempDir Path maildir) throws Exception {
        String smtp = "[host]\ngrace = \"10s\"\n[services.smtp]\nmaildir = " + TestHosts.quote(maildir) + "\n";
        try (Host host = TestHosts.start(smtp + "[services.echo]\n");
             Socket s = Tcp.connect(host.tcpPort("smtp"))) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), US_ASCII));
            OutputStream out = s.getOutputStream();
            assertThat(in.readLine()).startsWith("220 ");
            for (String line : List.of("HELO client.test", "MAIL FROM:<a@client.test>", "RCPT TO:<b@mx.test>", "DATA")) {
                out.write((line + "\r\n").getBytes(US_ASCII));
                String reply = in.readLine();
                assertThat(reply).matches("[23]\\d\\d .*");
            }
            out.write("Subject: mid-reload\r\n\r\nfirst half\r\n".getBytes(US_ASCII));
            out.flush();
            Reload r = host.reload(config("[host]\ngrace = \"10s\"\n[services.echo]\n"));
            assertThat(r.applied()).isTrue();
            out.write("second half\r\n.\r\n".getBytes(US_ASCII));
            assertThat(in.readLine()).as("the message is stored, not dropped").startsWith("250 ");
            try (var files = Files.list(maildir.resolve("new"))) {
                assertThat(files.count()).isEqualTo(1);
            }
        }
    }

    @Test
    void apiServicesShowsTheLastReload() throws Exception {
        String toml = "[services.dashboard]\n[services.echo]\n";
        try (Host host = TestHosts.start(toml)) {
            var client = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            var get = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + host.tcpPort("dashboard") + "/api/services")).build();
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            String before = client.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(json.readTree(before).path("host").path("lastReload").isNull()).isTrue();
            host.reload(() -> config(toml + "max_connections = -3\n"));
            var after = json.readTree(client.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                    .path("host").path("lastReload");
            assertThat(after.path("applied").asBoolean()).isFalse();
            assertThat(after.path("summary").asText()).isEqualTo("refused: 1 problem; still serving the previous config");
            assertThat(after.path("lines").get(0).asText()).contains("services.echo.max_connections");
            assertThat(after.path("at").asText()).isNotEmpty();
        }
    }

    @Test
    void embeddedBuilderRejectsBadTextWithTheLoadersWords() {
        assertThatThrownBy(() -> config("[services.echo]\nport = 70000\n")).isInstanceOf(ConfigException.class);
    }
}
