package dev.portd.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * End to end across three network namespaces: a real 3-node ZooKeeper (QuorumPeerMain) and three
 * portd processes, through {@code scripts/cluster-demo.sh e2e} (the README's demo). Needs root for
 * {@code ip netns}; the script cleans up its namespaces and processes.
 */
class ClusterDemoIT {

    @Test
    void threeHostsFindEachOtherLoseAKilledHostAndGetItBack() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "ip netns needs root");
        Path log = Files.createTempFile("cluster-demo", ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", "scripts/cluster-demo.sh", "e2e")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PORTD_CP", System.getProperty("java.class.path"));
        Process p = pb.start();
        boolean done = p.waitFor(8, TimeUnit.MINUTES);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertThat(done).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("ok: host 2 finds host 3's echo and its RPC program status (100024) by name",
                "ok: host 3 gone from every lookup", "e2e: all checks held");
    }
}
