package dev.portd.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portd.support.PortdProcess;
import dev.portd.support.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UDP rate rule end to end, with a real non-loopback source: portd in a network namespace of
 * its own, a client in a second one behind a veth pair (10.77.5.2 to 10.77.5.1). Amplifying kinds
 * (daytime here) are limited per source for that client; loopback in the same run is not; echo,
 * which amplifies nothing, is not limited even for the remote client; {@code udp_limit_all = true}
 * limits loopback too. Each check is a burst of 50 datagrams against a limit of 5 a second, so a
 * limited burst gets at most 10 replies (it may straddle two one-second windows) and an unlimited
 * one all 50, however slow the machine.
 */
class UdpRateLimitNamespaceIT {
    private static final int BURST = 50;
    private static final int LIMIT = 5;
    private static final Pattern RESULT = Pattern.compile("source=(\\S+) sent=(\\d+) replies=(\\d+)");

    static Map<String, String> run;

    @BeforeAll
    static void burstsFromBothSides(@TempDir Path dir) throws Exception {
        assumeTrue(Shell.isRoot() && Shell.has("unshare") && Shell.has("nsenter") && Shell.has("ip")
                && Shell.has("python3"), "needs root, unshare, nsenter (util-linux), ip (iproute2) and python3");
        for (String file : List.of("udp-rate-limit.sh", "udp-burst.py")) {
            try (InputStream in = UdpRateLimitNamespaceIT.class.getResourceAsStream(file)) {
                Files.copy(in, dir.resolve(file));
            }
        }
        Files.writeString(dir.resolve("portd.toml"), """
                [host]
                control_socket = "%s"

                [services.daytime]
                port = 13
                protocols = ["udp"]
                udp_replies_per_second = %d

                [services.echo]
                port = 7
                protocols = ["udp"]
                udp_replies_per_second = %d

                [services.daytime-all]
                kind = "daytime"
                port = 1013
                protocols = ["udp"]
                udp_replies_per_second = %d
                udp_limit_all = true

                [services.dashboard]
                port = 8111
                bind = "127.0.0.1"
                """.formatted(dir.resolve("control.sock"), LIMIT, LIMIT, LIMIT));
        var r = Shell.run(Duration.ofMinutes(3), List.of("unshare", "-n", "bash", dir.resolve("udp-rate-limit.sh").toString(),
                PortdProcess.java(), PortdProcess.jar().toString(), dir.toString()));
        assertThat(r.code()).as(r.out()).isZero();
        run = sections(r.out());
    }

    @Test
    void remoteSourceIsLimitedOnAnAmplifyingKind() {
        assertThat(source("remote daytime")).isEqualTo("10.77.5.2");
        assertThat(replies("remote daytime")).as(run.toString()).isBetween(1, 2 * LIMIT);
        assertThat(dropped("daytime", "rate limit")).as(run.get("drops")).isGreaterThanOrEqualTo(BURST - 2 * LIMIT);
    }

    @Test
    void loopbackIsNotLimitedInTheSameRun() {
        assertThat(source("loopback daytime")).isEqualTo("127.0.0.1");
        assertThat(replies("loopback daytime")).as(run.toString()).isEqualTo(BURST);
        // every drop on daytime is the remote burst's: none of loopback's 50
        assertThat(dropped("daytime", "rate limit")).isEqualTo(BURST - replies("remote daytime"));
    }

    @Test
    void echoIsNotLimitedEvenForARemoteSource() {
        assertThat(source("remote echo")).isEqualTo("10.77.5.2");
        assertThat(replies("remote echo")).as(run.toString()).isEqualTo(BURST);
        assertThat(dropped("echo", "rate limit")).isZero();
    }

    @Test
    void limitAllLimitsLoopbackToo() {
        assertThat(replies("loopback daytime-all")).as(run.toString()).isBetween(1, 2 * LIMIT);
        assertThat(dropped("daytime-all", "rate limit")).isEqualTo(BURST - replies("loopback daytime-all"));
    }

    @Test
    void nothingWarnedOrFailed() {
        assertThat(run.get("log")).isBlank();
    }

    private static String source(String section) {
        return result(section).group(1);
    }

    private static int replies(String section) {
        Matcher m = result(section);
        assertThat(Integer.parseInt(m.group(2))).isEqualTo(BURST);
        return Integer.parseInt(m.group(3));
    }

    private static Matcher result(String section) {
        String text = run.getOrDefault(section, "");
        Matcher m = RESULT.matcher(text);
        assertThat(m.find()).as(section + ": " + run).isTrue();
        return m;
    }

    /** The Prometheus counter of datagrams a service dropped for a reason; 0 when never counted. */
    private static long dropped(String service, String reason) {
        for (String line : run.get("drops").split("\n")) {
            if (line.contains("service=\"" + service + "\"") && line.contains("reason=\"" + reason + "\"")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** The script's output split at its "### name" lines. */
    private static Map<String, String> sections(String out) {
        Map<String, String> sections = new LinkedHashMap<>();
        String name = "";
        StringBuilder text = new StringBuilder();
        for (String line : out.split("\n", -1)) {
            if (line.startsWith("### ")) {
                sections.put(name, text.toString());
                name = line.substring(4);
                text.setLength(0);
            } else {
                text.append(line).append('\n');
            }
        }
        sections.put(name, text.toString());
        return sections;
    }
}
