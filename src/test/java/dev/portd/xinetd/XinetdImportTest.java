package dev.portd.xinetd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portd.support.PortdCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portd import xinetd}: Debian's shipped files, a file with every attribute, and random input. */
class XinetdImportTest {
    /** An enabled service appended to an import whose services are all disabled: the loader wants one. */
    static final String PROBE = "\n[services.import-probe]\nkind = \"echo\"\nport = 0\n";

    @TempDir
    Path dir;

    private PortdCli checkOf(String toml) throws IOException {
        Path f = Files.writeString(Files.createTempFile(dir, "imported", ".toml"), toml);
        return PortdCli.run("check", "-c", f.toString());
    }

    @Test
    void debiansShippedFilesImportAndCheck() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/etc/xinetd.d")), "the xinetd package is not installed");
        PortdCli imported = PortdCli.run("import", "xinetd", "/etc/xinetd.conf");
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("# xinetd service echo (id echo-stream), /etc/xinetd.d/echo:",
                "[services.echo-stream]", "kind = \"echo\"", "protocols = [\"udp\"]", "enabled = false",
                "# warning: xinetd's built-in servers has no portd kind");
        PortdCli check = checkOf(imported.out() + PROBE);
        assertThat(check.exit()).as(check.err()).isZero();
    }

    @Test
    void debiansFilesEnabledServeWhatXinetdWould() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/etc/xinetd.d")), "the xinetd package is not installed");
        Path copy = Files.createDirectory(dir.resolve("xinetd.d"));
        try (Stream<Path> files = Files.list(Path.of("/etc/xinetd.d"))) {
            for (Path f : files.filter(f -> !f.getFileName().toString().endsWith("-udp")).toList()) {
                Files.writeString(copy.resolve(f.getFileName()),
                        Files.readString(f).replaceAll("disable\\s*=\\s*yes", "disable = no"));
            }
        }
        PortdCli imported = PortdCli.run("import", "xinetd", copy.toString());
        assertThat(imported.out()).doesNotContain("enabled = false");
        PortdCli check = checkOf(imported.out());
        assertThat(check.exit()).as(check.err()).isZero();
        assertThat(check.out()).contains("echo-stream", "echo-dgram", "time-stream", "chargen-dgram");
    }

    @Test
    void everyAttributeIsMappedOrWarnedAbout() throws Exception {
        Path conf = Files.writeString(dir.resolve("xinetd.conf"), """
                defaults
                {
                    instances   = 60
                    per_source  = 5
                    log_type    = SYSLOG daemon info
                    cps         = 25 30
                    only_from   = 127.0.0.1 10.0.0.0 192.168.{1,2}.0 ::1 localhost
                }
                includedir %s
                """.formatted(dir.resolve("d")));
        Files.createDirectory(dir.resolve("d"));
        Files.writeString(dir.resolve("d/cat"), """
                # a program per connection
                service catty
                {
                    socket_type = stream
                    protocol    = tcp
                    wait        = no
                    user        = root
                    group       = root
                    server      = /bin/cat
                    server_args = -u
                    port        = 7777
                    type        = UNLISTED
                    env         = LANG=C.UTF-8 TZ=UTC
                    passenv     = PATH
                    no_access   = 10.1.2.3
                    only_from  += 172.16.0.0/12
                    instances   = UNLIMITED
                    bind        = 127.0.0.1
                    banner      = /etc/issue
                    access_times = 08:00-17:00
                    rlimit_as   = 64M
                    nice        = 10
                    umask       = 022
                    flags       = KEEPALIVE NAMEINARGS
                    log_on_success += PID
                }
                service web
                {
                    socket_type = stream
                    wait        = no
                    redirect    = 127.0.0.1 8080
                    port        = 8081
                    disable     = yes
                }
                service web6 {
                    socket_type = stream
                    redirect    = ::1 8080
                    port        = 8082
                }
                service tftp
                {
                    socket_type = dgram
                    protocol    = udp
                    wait        = yes
                    server      = /usr/sbin/no-such-tftpd
                    server_args = -s /srv/tftp
                }
                service rpcthing
                {
                    type        = RPC
                    socket_type = stream
                    rpc_version = 1
                    server      = /bin/true
                }
                service daytime
                {
                    type        = INTERNAL
                    id          = daytime-stream
                    socket_type = stream
                    wait        = no
                }
                service weird.name~ { broken
                }
                d.skipped-by-includedir
                """);
        Files.writeString(dir.resolve("d/skip.me"), "service never { server = /bin/true }\n");
        PortdCli imported = PortdCli.run("import", "xinetd", conf.toString());
        assertThat(imported.exit()).isZero();
        String out = imported.out();
        assertThat(out).contains(
                "[services.catty]", "kind = \"exec\"", "port = 7777", "command = [\"/bin/cat\"]",
                "# warning: flags NAMEINARGS: portd sets argv[0] to the server path, not -u",
                "env = { \"LANG\" = \"C.UTF-8\", \"TZ\" = \"UTC\" }", "pass_env = [\"PATH\"]",
                "deny = [\"10.1.2.3\"]", "allow = [\"127.0.0.1\", \"10.0.0.0/8\", \"192.168.1.0/24\", "
                        + "\"192.168.2.0/24\", \"::1\", \"172.16.0.0/12\"]",
                "# warning: only_from localhost is not mapped", "bind = \"127.0.0.1\"", "per_source = 5",
                "# warning: group is not mapped", "# warning: banner is not mapped", "# warning: access_times is not mapped",
                "# warning: rlimit_as is not mapped", "# warning: nice is not mapped", "# warning: umask is not mapped",
                "# warning: flags KEEPALIVE is not mapped", "# warning: log_on_success is not mapped",
                "[services.web]", "kind = \"forward\"", "to = \"127.0.0.1:8080\"", "to = \"[::1]:8080\"",
                "[services.tftp]", "wait = true", "server /usr/sbin/no-such-tftpd is not an executable",
                "# warning: type RPC is not supported by portd",
                "[services.daytime-stream]", "kind = \"daytime\"");
        assertThat(out).doesNotContain("never", "max_connections = UNLIMITED");
        assertThat(out.lines().filter(l -> l.startsWith("[services.catty]")).count()).isEqualTo(1);
        PortdCli check = checkOf(out);
        assertThat(check.exit()).as(out + "\n" + check.err()).isZero();
    }

    @Test
    void portsWithLeadingZerosAreDecimalAsXinetdReadsThem() throws Exception {
        // found by XinetdFuzzTest: "port = 0570" was copied as is, and TOML refuses a zero-prefixed integer
        Path conf = Files.writeString(dir.resolve("xinetd.conf"), """
                service catty
                {
                    socket_type = stream
                    wait        = no
                    server      = /bin/cat
                    port        = 0570
                    type        = UNLISTED
                }
                service relay
                {
                    socket_type = stream
                    wait        = no
                    redirect    = 127.0.0.1 0080
                    port        = 08080
                    type        = UNLISTED
                }
                """);
        PortdCli imported = PortdCli.run("import", "xinetd", conf.toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("port = 570\n", "port = 8080\n", "to = \"127.0.0.1:80\"")
                .doesNotContain("0570", "0080");
        PortdCli check = checkOf(imported.out() + PROBE);
        assertThat(check.exit()).as(check.err()).isZero();
    }

    @Test
    void aMissingFileIsRefusedWithoutAStackTrace() {
        PortdCli r = PortdCli.run("import", "xinetd", dir.resolve("nope").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("nope: no such file or directory").doesNotContain("Exception");
        assertThat(PortdCli.run("import", "inetd", "/etc").err()).contains("unknown format \"inetd\"; use xinetd");
    }

    /**
     * Random mixes of xinetd words, junk and braces never make the importer throw, and what it prints
     * always passes portd check, through the command line; {@link XinetdFuzzTest} searches the same
     * property with coverage guidance (bench/fuzz.sh).
     */
    @Test
    void randomInputsNeverThrowAndAlwaysCheck() throws Exception {
        List<String> words = List.of("service", "defaults", "{", "}", "=", "+=", "-=", "disable", "yes", "no",
                "socket_type", "stream", "dgram", "raw", "protocol", "tcp", "udp", "wait", "user", "root", "server",
                "/bin/cat", "server_args", "port", "7", "70000", "x", "type", "INTERNAL", "UNLISTED", "id", "redirect",
                "127.0.0.1", "::1", "only_from", "no_access", "0.0.0.0", "{1,2}", "instances", "UNLIMITED",
                "per_source", "bind", "env", "A=b", "passenv", "PATH", "\"q\"", "\\", "#", "\n", "\n", "\n", "\t",
                "echo", "time", "chargen", "é", "\u0001", "include", "includedir", "/nonexistent");
        Random random = new Random(12);
        XinetdToToml toToml = new XinetdToToml((n, p) -> java.util.Optional.empty(), s -> s.equals("/bin/cat"),
                false, "portd");
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            StringBuilder text = new StringBuilder();
            int n = random.nextInt(80);
            for (int w = 0; w < n; w++) {
                text.append(words.get(random.nextInt(words.size()))).append(random.nextInt(4) == 0 ? "\n" : " ");
            }
            String toml = toToml.convert(XinetdConfig.parse(text.toString(), "random" + i), "random " + i);
            // every output alone must check; services are renamed so outputs can share one file
            all.append(toml.replace("[services.", "[services.r" + i + "-"));
            PortdCli check = checkOf(toml + PROBE);
            assertThat(check.exit()).as(text + "\n---\n" + toml + "\n---\n" + check.err()).isZero();
        }
        assertThat(all).isNotEmpty();
    }
}
