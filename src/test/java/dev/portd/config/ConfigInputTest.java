package dev.portd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portd.support.PortdCli;
import dev.portd.support.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code --config} may name is bounded: a directory, a FIFO, a device, a file over 1 MiB or
 * bytes that are not UTF-8 are refused at once, in one line, by check and serve alike.
 */
class ConfigInputTest {
    @TempDir
    Path dir;

    /** Both commands refuse the file with exactly this one line, and exit 2. */
    static void refused(Path file, String line) {
        for (String command : List.of("check", "serve")) {
            PortdCli r = PortdCli.run(command, "--config", file.toString(), "--bind", "127.0.0.1");
            assertThat(r.exit()).as(command).isEqualTo(2);
            assertThat(r.err()).as(command).isEqualTo(line + "\nportd: the config has 1 problem; nothing was started\n");
        }
    }

    @Test
    void deviceIsRefusedWithoutReadingIt() {
        refused(Path.of("/dev/zero"),
                "/dev/zero: is not a regular file (a FIFO, socket or device); give a config file (TOML)");
    }

    @Test
    void fifoIsRefusedWithoutBlockingOnIt() throws Exception {
        assumeTrue(Shell.has("mkfifo"), "mkfifo is not installed");
        Path fifo = dir.resolve("config.fifo");
        assertThat(Shell.run(Duration.ofSeconds(10), List.of("mkfifo", fifo.toString())).code()).isZero();
        refused(fifo, fifo + ": is not a regular file (a FIFO, socket or device); give a config file (TOML)");
    }

    @Test
    void directoryIsRefused() {
        refused(dir, dir + ": is a directory; give a config file (TOML), e.g. --config config/portd.toml");
    }

    @Test
    void fileOverOneMebibyteIsRefused() throws Exception {
        Path big = dir.resolve("big.toml");
        byte[] comment = new byte[(1 << 20) + 1];
        Arrays.fill(comment, (byte) '#');
        Files.write(big, comment);
        refused(big, big + ": is 1048577 bytes; a config may be at most 1 MiB (1048576 bytes)");
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() throws Exception {
        Path latin1 = dir.resolve("latin1.toml");
        Files.write(latin1, "[services.echo]\n# caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        refused(latin1, latin1 + ": is not UTF-8 text (a bad byte at offset 21); "
                + "a config is TOML, which is UTF-8");
    }

    @Test
    void mistypedKeysAndTablesGetADidYouMean() throws Exception {
        Path file = Files.writeString(dir.resolve("typo.toml"), """
                [service.echo]
                port = 7

                [services.daytime]
                prot = 13
                kind = "daytyme"
                """);
        PortdCli r = PortdCli.run("check", "--config", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(file + ":1: service: unknown key; did you mean services? allowed here: discovery, host, services")
                .contains(file + ":5: services.daytime.prot: unknown key; did you mean port?")
                .contains(file + ":6: services.daytime.kind = \"daytyme\": unknown kind; did you mean \"daytime\"?");
    }

    @Test
    void negativeOffsetIsRefusedBeforeAnythingIsRead() {
        for (String offset : List.of("-5", "-7", "-20")) {
            PortdCli r = PortdCli.run("check", "--port-offset", offset);
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).startsWith("portd: --port-offset " + offset + ": must be 0 or more");
        }
    }
}
