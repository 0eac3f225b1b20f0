package dev.portd.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify written by hand: one datagram per state change, to a path or an abstract name. */
class SystemdNotifyTest {

    @Test
    void readyGoesToAPathSocketWithOurPid(@TempDir Path dir) {
        String path = dir.resolve("notify").toString();
        try (NotifySocket systemd = new NotifySocket(path)) {
            new SystemdNotify(path).ready("serving 2 listeners");
            await().atMost(Duration.ofSeconds(10)).until(() -> !systemd.messages().isEmpty());
            assertThat(systemd.messages()).containsExactly("READY=1\nMAINPID=" + ProcessHandle.current().pid()
                    + "\nSTATUS=serving 2 listeners\n");
        }
    }

    @Test
    void atSignNamesTheAbstractNamespace() {
        String name = "portd-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NotifySocket systemd = new NotifySocket("\0" + name)) {
            SystemdNotify notify = new SystemdNotify("@" + name);
            notify.reloading();
            notify.stopping();
            await().atMost(Duration.ofSeconds(10)).until(() -> systemd.messages().size() == 2);
            assertThat(systemd.messages().get(0)).startsWith("RELOADING=1\nMONOTONIC_USEC=");
            assertThat(systemd.messages().get(1)).isEqualTo("STOPPING=1\n");
        }
    }

    @Test
    void withoutNotifySocketNothingIsSent() {
        new SystemdNotify(null).ready("x");   // no socket, no exception, nothing to wait for
        new SystemdNotify("relative/path").ready("x");   // neither a path nor @name: logged, not thrown
    }
}
