package dev.portd.service.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portd.host.Host;
import dev.portd.support.Shell;
import dev.portd.support.TestHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Programs nobody here wrote, behind exec services, with their own clients: git daemon and in.tftpd. */
class ExecRealProgramsIT {
    @TempDir
    Path dir;

    @Test
    void gitCloneThroughGitDaemonInetdGivesTheSameTree() throws Exception {
        assumeTrue(Shell.has("git"), "git is not installed");
        Path repo = dir.resolve("srv/repo");
        Files.createDirectories(repo);
        Files.writeString(repo.resolve("README"), "hello from portd\n");
        byte[] blob = new byte[200_000];
        new Random(1).nextBytes(blob);
        Files.write(repo.resolve("blob.bin"), blob);
        Shell.Result made = Shell.bash(Duration.ofSeconds(60), "cd '" + repo + "' && git init -q && git add . && "
                + "git -c user.name=t -c user.email=t@t commit -qm one && echo done");
        assertThat(made.out()).as(made.out()).contains("done");
        try (Host host = TestHosts.start("[services.git]\nkind = \"exec\"\nport = 0\nprotocols = [\"tcp\"]\n"
                + "command = [\"/usr/bin/git\", \"daemon\", \"--inetd\", \"--export-all\", \"--base-path="
                + dir.resolve("srv") + "\"]\npass_env = [\"PATH\"]\n")) {
            Path clone = dir.resolve("clone");
            Shell.Result r = Shell.run(Duration.ofSeconds(60), List.of("git", "clone", "-q",
                    "git://127.0.0.1:" + host.tcpPort("git") + "/repo", clone.toString()));
            assertThat(r.code()).as(r.out()).isZero();
            Shell.Result diff = Shell.run(Duration.ofSeconds(30), List.of("diff", "-r", "--exclude=.git",
                    repo.toString(), clone.toString()));
            assertThat(diff.code()).as(diff.out()).isZero();
            assertThat(Files.readAllBytes(clone.resolve("blob.bin"))).isEqualTo(blob);
        }
    }

    @Test
    void tftpFetchesAFileFromInTftpdBehindAUdpWaitService() throws Exception {
        assumeTrue(Shell.has("in.tftpd") || Files.isExecutable(Path.of("/usr/sbin/in.tftpd")), "tftpd-hpa is not installed");
        assumeTrue(Shell.has("tftp"), "tftp-hpa is not installed");
        assumeTrue(Shell.isRoot(), "in.tftpd drops to a user: needs root");
        Path root = dir.resolve("tftp");
        Files.createDirectories(root);
        byte[] file = new byte[100_000];
        new Random(2).nextBytes(file);
        Files.write(root.resolve("boot.img"), file);
        try (Host host = TestHosts.start("[services.tftp]\nkind = \"exec\"\nport = 0\nprotocols = [\"udp\"]\n"
                + "wait = true\ncommand = [\"/usr/sbin/in.tftpd\", \"--timeout\", \"1\", \"--user\", \"root\", "
                + "\"--secure\", " + TestHosts.quote(root) + "]\n")) {
            Path got = dir.resolve("got.img");
            Shell.Result r = Shell.run(Duration.ofSeconds(60), List.of("tftp", "-m", "binary", "127.0.0.1",
                    Integer.toString(host.udpPort("tftp")), "-c", "get", "boot.img", got.toString()));
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(Files.readAllBytes(got)).isEqualTo(file);
            // and a second time: portd reads the socket again once the first in.tftpd has exited
            await().atMost(Duration.ofSeconds(20)).until(() -> ExecServiceTest.figures(host, "tftp").get("running") == 0);
            Path again = dir.resolve("again.img");
            Shell.Result r2 = Shell.run(Duration.ofSeconds(60), List.of("tftp", "-m", "binary", "127.0.0.1",
                    Integer.toString(host.udpPort("tftp")), "-c", "get", "boot.img", again.toString()));
            assertThat(r2.code()).as(r2.out()).isZero();
            assertThat(Files.readAllBytes(again)).isEqualTo(file);
            assertThat(ExecServiceTest.figures(host, "tftp").get("started")).isEqualTo(2L);
        }
    }
}
