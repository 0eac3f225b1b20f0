package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * portd scan against the reference, nmap -sT, on the same loopback ports. Both run inside a fresh
 * network namespace ({@code unshare -n}) where the only listeners are a portd host's, so other
 * programs on the machine cannot open or close ports between the two scans.
 */
class ScanNmapIT {
    private static final Pattern OPEN = Pattern.compile("(\\d+)/open/tcp");

    @Test
    void findsTheSameOpenPortsAsNmapOverTheWholeRange() throws Exception {
        assumeTrue(onPath("nmap"), "nmap is not installed (apt-get install -y nmap)");
        assumeTrue(onPath("unshare"), "unshare (util-linux) is not installed");
        String jar = System.getProperty("portd.jar");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = String.join("\n",
                "set -e",
                "ip link set lo up",
                "log=$(mktemp)",
                java + " -jar " + jar + " serve --port-offset 20000 --bind 127.0.0.1 >$log 2>&1 &",
                "server=$!",
                "for i in $(seq 300); do grep -q '^serving' $log && break; sleep 0.1; done",
                "grep -q '^serving' $log || { cat $log; exit 3; }",
                "echo '== portd'",
                java + " -jar " + jar + " scan 127.0.0.1 -p - -o grepable",
                "echo '== portd ipv6'",
                java + " -jar " + jar + " scan ::1 -p 20000-20100 -o grepable",
                "echo '== nmap'",
                "nmap -sT -p- -n -Pn 127.0.0.1 -oG -",
                "kill $server; wait $server || true");
        Process p = new ProcessBuilder("unshare", "-n", "bash", "-c", script).redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished within 2 minutes").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(!out.contains("unshare failed") && !out.contains("Operation not permitted"),
                "network namespaces are not permitted here: " + out);
        assertThat(p.exitValue()).as(out).isZero();
        String portd = out.substring(out.indexOf("== portd\n"), out.indexOf("== portd ipv6"));
        String nmap = out.substring(out.indexOf("== nmap"));
        Set<Integer> portdOpen = open(portd);
        Set<Integer> nmapOpen = open(nmap);
        // the default config's TCP services, on 20007, 20009, 20013, 20017, 20019, 20037
        assertThat(portdOpen).as(out).contains(20007, 20009, 20013, 20017, 20019, 20037);
        assertThat(portdOpen).as(out).isEqualTo(nmapOpen);
        assertThat(portd).contains("# Scanned 65535 ports on 1 host");
        // the host was bound to 127.0.0.1 only: nothing is open on ::1
        assertThat(open(out.substring(out.indexOf("== portd ipv6"), out.indexOf("== nmap")))).isEmpty();
    }

    private static Set<Integer> open(String grepable) {
        Set<Integer> ports = new TreeSet<>();
        Matcher m = OPEN.matcher(grepable);
        while (m.find()) {
            ports.add(Integer.parseInt(m.group(1)));
        }
        return ports;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
