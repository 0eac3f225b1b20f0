package dev.portd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portd.ports.Cidr;
import dev.portd.ports.Protocol;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceKinds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every config error names the file, the key (and line) and what is allowed; all are listed at once. */
class ConfigLoaderTest {
    static final String KINDS = ServiceKinds.BUILT_IN.stream().map(ServiceKind::name)
            .collect(java.util.stream.Collectors.joining(", "));

    static List<String> problems(String toml) {
        return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(toml, "my.toml", ServiceKinds.BUILT_IN)).problems();
    }

    @Test
    void defaultConfigServesTheSixClassicServicesOnTcpAndUdp() {
        HostConfig config = ConfigLoader.loadDefault(ServiceKinds.BUILT_IN);
        List<ServiceConfig> classic = config.services().stream()
                .filter(s -> List.of("echo", "discard", "daytime", "qotd", "chargen", "time").contains(s.kind().name())).toList();
        assertThat(classic).extracting(ServiceConfig::name)
                .containsExactly("echo", "discard", "daytime", "qotd", "chargen", "time");
        assertThat(classic).extracting(ServiceConfig::port).containsExactly(7, 9, 13, 17, 19, 37);
        assertThat(classic).allSatisfy(s ->
                assertThat(s.protocols()).containsExactlyInAnyOrder(Protocol.TCP, Protocol.UDP));
        assertThat(config.grace()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theJarsDefaultIsConfigPortdToml() throws Exception {
        assertThat(ConfigLoader.defaultText()).isEqualTo(Files.readString(Path.of("config/portd.toml")));
    }

    @Test
    void readsEveryServiceKeyAndLimit() {
        HostConfig c = ConfigLoader.parse("""
                [host]
                grace = "250ms"
                bind = ["127.0.0.1", "::1"]
                transport = "nio"

                [services.echo-alt]
                kind = "echo"
                port = 7007
                protocols = ["tcp"]
                bind = "127.0.0.2"
                max_connections = 5
                per_source = 2
                idle_timeout = "30s"
                allow = ["127.0.0.0/8", "::1"]
                deny = ["127.0.0.9"]
                udp_replies_per_second = 7

                [services.daytime]
                format = "rfc3339"
                """, "my.toml", ServiceKinds.BUILT_IN);
        assertThat(c.grace()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.bind()).hasSize(2);
        assertThat(c.transport()).isEqualTo("nio");
        ServiceConfig s = c.services().get(0);
        assertThat(s.name()).isEqualTo("echo-alt");
        assertThat(s.kind().name()).isEqualTo("echo");
        assertThat(s.port()).isEqualTo(7007);
        assertThat(s.protocols()).containsExactly(Protocol.TCP);
        assertThat(s.bind()).extracting(a -> a.getHostAddress()).containsExactly("127.0.0.2");
        assertThat(s.limits()).isEqualTo(new Limits(5, 2, Duration.ofSeconds(30),
                List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1")), List.of(Cidr.parse("127.0.0.9")), 7));
        ServiceConfig daytime = c.services().get(1);
        assertThat(daytime.port()).isEqualTo(13);
        assertThat(daytime.options().values()).containsEntry("format", "rfc3339");
    }

    @Test
    void portOutsideTheRangeNamesFileLineAndKey() {
        assertThat(problems("""
                [services.echo]
                port = 70000
                """)).containsExactly("my.toml:2: services.echo.port = 70000: must be an integer 0..65535 (the port on every protocol; 0: a free port chosen at start)");
    }

    @Test
    void unknownKeyListsTheAllowedOnes() {
        assertThat(problems("""
                [services.echo]
                prot = 7
                """)).singleElement().asString()
                .startsWith("my.toml:2: services.echo.prot: unknown key; did you mean port? allowed here: allow, bind, deny, enabled,");
    }

    @Test
    void wrongTypeSaysWhatIsExpected() {
        assertThat(problems("""
                [services.echo]
                port = "seven"
                max_connections = -1
                idle_timeout = "soon"
                """)).containsExactly(
                "my.toml:2: services.echo.port = \"seven\": must be an integer 0..65535 (the port on every protocol; 0: a free port chosen at start)",
                "my.toml:3: services.echo.max_connections = -1: must be an integer 0..10000000 (open TCP connections "
                        + "of the service; past it a new one is closed at once and counted; 0: no limit)",
                "my.toml:4: services.echo.idle_timeout = \"soon\": must be a duration 0s..168h such as \"250ms\", "
                        + "\"30s\", \"5m\" or \"1h\" (a connection that neither reads nor writes for this long is closed; "
                        + "0: never)");
    }

    @Test
    void unknownKindListsTheKnownOnes() {
        assertThat(problems("""
                [services.mine]
                kind = "ekko"
                """)).containsExactly("my.toml:2: services.mine.kind = \"ekko\": unknown kind; use one of: " + KINDS);
        assertThat(problems("[services.mine]\nport = 5\n")).singleElement().asString()
                .isEqualTo("my.toml:1: services.mine: no kind given and \"mine\" is not a kind; add kind = \"...\" "
                        + "(one of: " + KINDS + ")");
    }

    @Test
    void samePortAndProtocolTwiceIsAConflict() {
        assertThat(problems("""
                [services.echo]
                port = 7

                [services.other]
                kind = "discard"
                port = 7
                protocols = ["udp"]
                """)).containsExactly("my.toml:6: services.other.port: udp/7 is already served by services.echo; "
                + "choose another port or protocol");
    }

    @Test
    void samePortOnDifferentAddressesIsNoConflict() {
        HostConfig c = ConfigLoader.parse("""
                [services.echo]
                bind = "127.0.0.1"
                [services.echo2]
                kind = "echo"
                port = 7
                bind = "127.0.0.2"
                """, "my.toml", ServiceKinds.BUILT_IN);
        assertThat(c.services()).hasSize(2);
    }

    @Test
    void invalidCidrAndAddressAreNamed() {
        assertThat(problems("""
                [services.echo]
                allow = ["10.0.0.0/40"]
                bind = "localhost:7"
                """)).containsExactly(
                "my.toml:2: services.echo.allow = [\"10.0.0.0/40\"]: \"10.0.0.0/40\": prefix length must be 0..32",
                "my.toml:3: services.echo.bind = \"localhost:7\": \"localhost:7\" is not an IP address; use e.g. \"127.0.0.1\", \"::1\" or \"::\" for all");
    }

    @Test
    void protocolTheKindDoesNotServe() {
        assertThat(problems("""
                [services.echo]
                protocols = ["tcp", "sctp"]
                """)).containsExactly("my.toml:2: services.echo.protocols = [\"tcp\",\"sctp\"]: \"sctp\" is not a protocol; use \"tcp\" or \"udp\"");
    }

    @Test
    void everyProblemIsListedAtOnce() {
        assertThat(problems("""
                [host]
                grace = 5
                colour = "blue"

                [services.echo]
                port = 0.5

                [services.time]
                kind = 37
                """)).hasSize(4);
    }

    @Test
    void tomlSyntaxErrorGivesTheLine() {
        assertThat(problems("[services.echo]\nport = = 7\n")).singleElement().asString().startsWith("my.toml:2: not valid TOML:");
    }

    @Test
    void missingFileSaysWhatToDo(@TempDir Path dir) {
        var e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.toml"), ServiceKinds.BUILT_IN));
        assertThat(e.problems()).containsExactly(dir.resolve("nope.toml")
                + ": no such file; give an existing config with --config, or leave --config out to use the built-in one");
    }

    @Test
    void disabledServiceIsLeftOut() {
        HostConfig c = ConfigLoader.parse("[services.echo]\n[services.time]\nenabled = false\n", "my.toml", ServiceKinds.BUILT_IN);
        assertThat(c.services()).extracting(ServiceConfig::name).containsExactly("echo");
    }

    @Test
    void portOffsetMovesEveryPortButZeroAndRefusesOverflow() {
        HostConfig c = ConfigLoader.parse("[services.echo]\n[services.time]\nport = 0\n", "my.toml", ServiceKinds.BUILT_IN);
        assertThat(c.withPortOffset(10000).services()).extracting(ServiceConfig::port).containsExactly(10007, 0);
        var e = catchThrowableOfType(ConfigException.class, () -> c.withPortOffset(65530));
        assertThat(e.problems()).containsExactly("my.toml: services.echo.port = 7 with --port-offset 65530 gives 65537: "
                + "must be 1..65535; use an offset of at most 65528");
    }
}
