package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.support.PortdCli;
import dev.portd.config.ConfigLoader;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceKinds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: exit codes and the exact words a user reads. */
class PortdCliTest {
    /** The known kinds, as error messages list them. */
    static final String KINDS = ServiceKinds.BUILT_IN.stream().map(ServiceKind::name).collect(Collectors.joining(", "));
    static PortdCli run(String... args) {
        return PortdCli.run(args);
    }

    @Test
    void checkPrintsTheTableOfTheDefaultConfig() {
        PortdCli r = run("check", "--port-offset", "10000");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("SERVICE +KIND +PROTO +ADDRESS +PORT")
                .containsPattern("echo +echo +tcp +:: +10007")
                .containsPattern("time +time +udp +:: +10037")
                .contains("<built-in config/portd.toml>: OK, " + ConfigLoader.loadDefault(ServiceKinds.BUILT_IN).services().size() + " services, ");
    }

    @Test
    void checkJsonCarriesTheSameListeners() {
        PortdCli r = run("check", "--json", "--bind", "127.0.0.1");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("\"service\" : \"chargen\"").contains("\"address\" : \"127.0.0.1\"")
                .contains("\"port\" : 19");
    }

    @Test
    void badConfigExitsTwoWithEveryProblem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.toml");
        Files.writeString(file, "[services.echo]\nport = 70000\n[services.x]\nkind = \"nope\"\n");
        for (String command : new String[] {"check", "serve"}) {
            PortdCli r = run(command, "--config", file.toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).isEqualTo(file + ":2: services.echo.port = 70000: must be an integer 0..65535 (the port on every protocol; 0: a free port chosen at start)\n"
                    + file + ":4: services.x.kind = \"nope\": unknown kind; use one of: " + KINDS + "\n"
                    + "portd: the config has 2 problems; nothing was started\n");
        }
    }

    @Test
    void unusableServiceOptionIsAConfigError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("q.toml");
        Files.writeString(file, "[services.qotd]\nport = 0\nquotes = \"" + dir.resolve("missing") + "\"\n");
        PortdCli r = run("serve", "--config", file.toString(), "--bind", "127.0.0.1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo(file + ":3: services.qotd.quotes = \"" + dir.resolve("missing") + "\": cannot read "
                + dir.resolve("missing") + ": no such file\nportd: the config has 1 problem; nothing was started\n");
    }

    @Test
    void badOptionValuesExitTwo() {
        assertThat(run("check", "--bind", "nowhere").err()).startsWith("portd: --bind nowhere: not an IP address; use e.g. 127.0.0.1 or ::1");
        assertThat(run("check", "--port-offset", "x").exit()).isEqualTo(2);
        assertThat(run("check", "--transport", "carrier-pigeon").exit()).isEqualTo(2);
        assertThat(run("frobnicate").exit()).isEqualTo(2);
        PortdCli overflow = run("check", "--port-offset", "65500");
        assertThat(overflow.exit()).isEqualTo(2);
        assertThat(overflow.err()).contains("services.time.port = 37 with --port-offset 65500 gives 65537: must be 1..65535")
                .doesNotContain("services.echo");
    }

    @Test
    void helpShowsAnExample() {
        PortdCli r = run("serve", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--port-offset").contains("Examples:").contains("portd serve --port-offset 10000");
        assertThat(run("--help").out()).contains("serve").contains("check");
    }

    @Test
    void noCommandIsAUsageError() {
        PortdCli r = run();
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("give a command, e.g. portd serve");
    }
}
