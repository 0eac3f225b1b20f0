package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portd.support.PortdProcess;
import dev.portd.support.Shell;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A range this machine has no route to, in a network namespace with only loopback: every port is
 * "unreachable" at once (the local stack's ENETUNREACH is final, not a silence to retry), and the
 * 256 hosts share one line.
 */
class ScanUnreachableIT {

    @Test
    void unroutableRangeIsUnreachableAndCollapsesToOneLine() throws Exception {
        assumeTrue(Shell.isRoot() && Shell.has("unshare") && Shell.has("ip"), "needs root, unshare and ip");
        String script = "ip link set lo up && " + PortdProcess.java() + " -jar " + PortdProcess.jar()
                + " scan 10.9.0.0/24 -p 1-20 --retries 10 --timeout 30s 2>&1";
        var r = Shell.run(Duration.ofMinutes(2), List.of("unshare", "-n", "bash", "-c", script));
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).startsWith("256 hosts: all 20 ports unreachable (no route from this machine; nothing was sent)\n\n")
                .containsPattern("Scanned 5120 ports on 256 hosts in [0-9.]+ s \\((epoll|nio)\\): 0 open, 0 closed, "
                        + "0 filtered, 5120 unreachable\n$");
    }
}
