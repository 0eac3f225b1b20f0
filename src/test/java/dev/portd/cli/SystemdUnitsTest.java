package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portd.config.ConfigLoader;
import dev.portd.config.PlannedListener;
import dev.portd.service.ServiceKinds;
import dev.portd.support.PortdProcess;
import dev.portd.support.Shell;
import io.netty.util.NetUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The units in dist/systemd: systemd accepts them, and the socket unit offers what the config plans. */
class SystemdUnitsTest {
    static final Path DIST = PortdProcess.root().resolve("dist/systemd");

    static void verify(Path... units) throws Exception {
        assumeTrue(Shell.has("systemd-analyze"), "systemd-analyze is missing (Debian: apt-get install systemd)");
        StringBuilder files = new StringBuilder();
        for (Path u : units) {
            files.append(' ').append(u);
        }
        Shell.Result r = Shell.bash(Duration.ofSeconds(60), "systemd-analyze verify" + files + " 2>&1");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out().lines().filter(l -> l.contains("portd"))).as("warnings about our units").isEmpty();
    }

    @Test
    void socketActivatedUnitsVerify() throws Exception {
        verify(DIST.resolve("portd.socket"), DIST.resolve("portd.service"));
    }

    @Test
    void standaloneUnitWithCapabilityVerifies() throws Exception {
        verify(DIST.resolve("standalone/portd.service"));
    }

    @Test
    void socketUnitListsEveryListenerOfItsConfig() throws Exception {
        List<String> planned = new ArrayList<>();
        for (PlannedListener p : ConfigLoader.load(DIST.resolve("portd.toml"), ServiceKinds.BUILT_IN).plan()) {
            String address = p.address().getAddress().isAnyLocalAddress() ? ""
                    : NetUtil.toAddressString(p.address().getAddress()) + ":";
            planned.add((p.protocol().label().equals("tcp") ? "ListenStream=" : "ListenDatagram=") + address + p.port());
        }
        List<String> listed = Files.readAllLines(DIST.resolve("portd.socket")).stream()
                .filter(l -> l.startsWith("Listen")).toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(planned);
    }
}
