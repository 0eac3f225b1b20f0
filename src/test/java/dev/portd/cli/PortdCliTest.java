package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.Portd;
import dev.portd.config.ConfigLoader;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceKinds;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: exit codes and the exact words a user reads. */
class PortdCliTest {
    /** The known kinds, as error messages list them. */
    static final String KINDS = ServiceKinds.all().stream().map(ServiceKind::name).collect(Collectors.joining(", "));
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Portd.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void checkPrintsTheTableOfTheDefaultConfig() {
        Result r = run("check", "--port-offset", "10000");
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("SERVICE +KIND +PROTO +ADDRESS +PORT")
                .containsPattern("echo +echo +tcp +\\* +10007")
                .containsPattern("time +time +udp +\\* +10037")
                .contains("<built-in config/portd.toml>: OK, " + ConfigLoader.loadDefault().services().size() + " services, ");
    }

    @Test
    void checkJsonCarriesTheSameListeners() {
        Result r = run("check", "--json", "--bind", "127.0.0.1");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("\"service\" : \"chargen\"").contains("\"address\" : \"127.0.0.1\"")
                .contains("\"port\" : 19");
    }

    @Test
    void badConfigExitsTwoWithEveryProblem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.toml");
        Files.writeString(file, "[services.echo]\nport = 70000\n[services.x]\nkind = \"nope\"\n");
        for (String command : new String[] {"check", "serve"}) {
            Result r = run(command, "--config", file.toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).isEqualTo(file + ":2: services.echo.port = 70000: must be 1..65535, or 0 for a free port chosen at start\n"
                    + file + ":4: services.x.kind = \"nope\": unknown kind; use one of: " + KINDS + "\n"
                    + "portd: the config has 2 problems; nothing was started\n");
        }
    }

    @Test
    void unusableServiceOptionIsAConfigError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("q.toml");
        Files.writeString(file, "[services.qotd]\nport = 0\nquotes = \"" + dir.resolve("missing") + "\"\n");
        Result r = run("serve", "--config", file.toString(), "--bind", "127.0.0.1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith(file + ": services.qotd.quotes: cannot read " + dir.resolve("missing"));
    }

    @Test
    void badOptionValuesExitTwo() {
        assertThat(run("check", "--bind", "nowhere").err()).startsWith("portd: --bind nowhere: not an IP address; use e.g. 127.0.0.1 or ::1");
        assertThat(run("check", "--port-offset", "x").code()).isEqualTo(2);
        assertThat(run("check", "--transport", "carrier-pigeon").code()).isEqualTo(2);
        assertThat(run("frobnicate").code()).isEqualTo(2);
        Result overflow = run("check", "--port-offset", "65500");
        assertThat(overflow.code()).isEqualTo(2);
        assertThat(overflow.err()).contains("services.time.port = 37 with --port-offset 65500 gives 65537: must be 1..65535")
                .doesNotContain("services.echo");
    }

    @Test
    void helpShowsAnExample() {
        Result r = run("serve", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--port-offset").contains("Examples:").contains("portd serve --port-offset 10000");
        assertThat(run("--help").out()).contains("serve").contains("check");
    }

    @Test
    void noCommandIsAUsageError() {
        Result r = run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("give a command, e.g. portd serve");
    }
}
