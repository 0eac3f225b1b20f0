package dev.portd.cli;

import dev.portd.support.PortdCli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.host.Host;
import dev.portd.support.TestHosts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScanCommandTest {

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void tableListsEveryStateOfAShortPortListWithNamesAndTotals() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int closed = closedPort();
            PortdCli r = PortdCli.run("scan", "127.0.0.1", "-p", open.getLocalPort() + "," + closed);
            assertThat(r.exit()).isZero();
            assertThat(r.out()).startsWith("portd scan report for 127.0.0.1\nPORT");
            assertThat(r.out()).containsPattern("(?m)^" + open.getLocalPort() + "/tcp +open\\b");
            assertThat(r.out()).containsPattern("(?m)^" + closed + "/tcp +closed\\b");
            assertThat(r.out()).containsPattern("Scanned 2 ports on 1 host in [0-9.]+ s \\((epoll|nio)\\): 1 open, 1 closed, 0 filtered");
            assertThat(r.err()).isEmpty();
        }
    }

    @Test
    void jsonCarriesTheSameData() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int closed = closedPort();
            PortdCli r = PortdCli.run("scan", "localhost", "-p", open.getLocalPort() + "," + closed, "-o", "json");
            assertThat(r.exit()).isZero();
            JsonNode doc = new ObjectMapper().readTree(r.out());
            assertThat(doc.get("complete").asBoolean()).isTrue();
            assertThat(doc.get("scanned").asInt()).isEqualTo(2);
            JsonNode host = doc.get("hosts").get(0);
            assertThat(host.get("name").asText()).isEqualTo("localhost");
            assertThat(host.get("counts").get("open").asInt()).isEqualTo(1);
            assertThat(host.get("ports").get(0).get("port").asInt()).isEqualTo(open.getLocalPort());
            assertThat(host.get("ports").get(0).get("state").asText()).isEqualTo("open");
            assertThat(host.get("ports").get(1).get("state").asText()).isEqualTo("closed");
        }
    }

    @Test
    void grepableIsOneLinePerHostLikeNmapOG() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            PortdCli r = PortdCli.run("scan", "127.0.0.1", "-p", String.valueOf(open.getLocalPort()), "-o", "grepable");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("Host: 127.0.0.1 ()\tPorts: " + open.getLocalPort() + "/open/tcp//");
            assertThat(r.out()).startsWith("# portd ").containsPattern("(?m)^# Scanned 1 port on 1 host");
        }
    }

    @Test
    void hostsWithNothingOpenShareOneLinePerOutcome() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int p = open.getLocalPort();
            PortdCli r = PortdCli.run("scan", "127.0.0.0/29", "-p", p + "," + closedPort() + "," + closedPort());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("portd scan report for 127.0.0.1\nPORT")
                    .containsPattern("(?m)^" + p + "/tcp +open")
                    .contains("\n7 hosts: all 3 ports closed\n")
                    .doesNotContain("report for 127.0.0.2")
                    .containsPattern("Scanned 24 ports on 8 hosts in [0-9.]+ s \\((epoll|nio)\\): 1 open, 23 closed, 0 filtered\n");
        }
    }

    @Test
    void longScanWithStderrNotATerminalPrintsAProgressLineEveryFiveSeconds() {
        // 600 connects at 100 a second take at least 6 s: one line at 5 s, whatever the machine's speed
        PortdCli r = PortdCli.run("scan", "127.0.0.1", "-p", "1-600", "--rate", "100");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).containsPattern("^portd: scanned [0-9,]+ of 600 ports \\(\\d+%\\), \\d+ open, [56] s\n");
    }

    @Test
    void bigPortListsShowOnlyOpenPortsAndCountTheRest() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int p = open.getLocalPort();
            int low = Math.max(1, p - 50);
            PortdCli r = PortdCli.run("scan", "127.0.0.1", "-p", low + "-" + (low + 100));
            assertThat(r.exit()).isZero();
            assertThat(r.out()).containsPattern("(?m)^" + p + "/tcp +open");
            assertThat(r.out()).containsPattern("Not shown: \\d+ closed");
            assertThat(r.out()).doesNotContainPattern("(?m)^\\d+/tcp +closed");
        }
    }

    @Test
    void bannersNameWhatReallyAnswers() throws Exception {
        try (Host host = TestHosts.kinds("echo", "daytime");
             ServerSocket ssh = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            // two connects reach the greeter: the scan's own (reset at once) and the banner's
            for (int i = 0; i < 2; i++) {
                Thread greeter = new Thread(() -> {
                    try (Socket s = ssh.accept(); OutputStream out = s.getOutputStream()) {
                        out.write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        s.getInputStream().read();
                    } catch (IOException e) {
                        // the scan reset the connection
                    }
                });
                greeter.setDaemon(true);
                greeter.start();
            }
            int echo = host.tcpPort("echo");
            int daytime = host.tcpPort("daytime");
            PortdCli r = PortdCli.run("scan", "127.0.0.1", "-p", echo + "," + daytime + "," + ssh.getLocalPort(),
                    "--banners", "--banner-wait", "300ms", "-o", "json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode ports = new ObjectMapper().readTree(r.out()).get("hosts").get(0).get("ports");
            assertThat(ports.get(0).get("service").asText()).startsWith("echo");
            assertThat(ports.get(1).get("banner").asText()).matches(".*\\d{4}.*");   // a date with a year
            assertThat(ports.get(2).get("service").asText()).startsWith("ssh");
            assertThat(ports.get(2).get("banner").asText()).isEqualTo("SSH-2.0-OpenSSH_9.2p1 Debian-2");
        }
    }

    @Test
    void badUsageIsRefusedWithExitTwoAndAClearMessage() {
        assertRefused(PortdCli.run("scan", "127.0.0.1", "-p", "99999"), "port 99999 is outside 1-65535");
        assertRefused(PortdCli.run("scan", "127.0.0.1", "-p", "80", "--top", "10"), "give -p or --top, not both");
        assertRefused(PortdCli.run("scan", "127.0.0.1", "--top", "0"), "--top 0: give 1..65535");
        assertRefused(PortdCli.run("scan", "no-such-host.invalid"), "no such host");
        assertRefused(PortdCli.run("scan", "10.0.0.0/8"), "at most 65536 hosts");
        assertRefused(PortdCli.run("scan", "127.0.0.1", "-o", "xml"), "-o xml: give table, json or grepable");
        assertRefused(PortdCli.run("scan", "127.0.0.1", "--timeout", "soon"), "--timeout soon: give a duration");
        assertRefused(PortdCli.run("scan", "127.0.0.1", "--rate", "-1"), "--rate -1");
        assertRefused(PortdCli.run("scan", "127.0.0.1", "--transport", "carrier-pigeon"), "give auto, epoll, io_uring or nio");
        assertRefused(PortdCli.run("scan"), "TARGET");
    }

    private static void assertRefused(PortdCli r, String message) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message).doesNotContain("Exception");
    }

    @Test
    void helpShowsExamples() {
        PortdCli r = PortdCli.run("scan", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Examples:", "portd scan 127.0.0.1 -p -", "--rate");
    }
}
