package dev.portd.ports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceNamesTest {
    private static final ServiceNames SHIPPED = ServiceNames.load();

    @Test
    void theShippedRegistryNamesWellKnownPorts() {
        assertThat(SHIPPED.size()).isGreaterThan(11_000);
        assertThat(SHIPPED.name(25, "tcp")).contains("smtp");
        assertThat(SHIPPED.name(111, "udp")).contains("sunrpc");
        assertThat(SHIPPED.name(2049, "tcp")).contains("nfs");
        assertThat(SHIPPED.name(6379, "tcp")).contains("redis");
        assertThat(SHIPPED.byPort(7)).extracting(ServiceNames.Entry::portProtocol).contains("7/tcp", "7/udp");
    }

    @Test
    void findsByNameInAnyCase() {
        assertThat(SHIPPED.byName("SMTP")).extracting(ServiceNames.Entry::portProtocol).contains("25/tcp", "25/udp");
        assertThat(SHIPPED.byName("daytime")).extracting(ServiceNames.Entry::port).containsOnly(13);
    }

    @Test
    void searchesDescriptions() {
        assertThat(SHIPPED.search("Simple Mail")).extracting(ServiceNames.Entry::name).contains("smtp");
        assertThat(SHIPPED.search("no such words anywhere")).isEmpty();
    }

    @Test
    void etcServicesNamesComeFirstAndItsAliasesAreFound(@TempDir Path dir) throws IOException {
        Path etc = dir.resolve("services");
        Files.writeString(etc, """
                # comment line
                http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP
                discard\t\t9/tcp\t\tsink null
                sunrpc\t\t111/tcp\t\tportmapper
                broken line
                bad\t\t99999/tcp
                """);
        String iana = """
                # header
                9\ttcp\tdiscard\tDiscard
                80\ttcp\twww-http\tWorld Wide Web HTTP
                111\ttcp\tsunrpc\tSUN Remote Procedure Call
                """;
        ServiceNames names = ServiceNames.load(new StringReader(iana), etc);
        assertThat(names.name(80, "tcp")).contains("http");
        assertThat(names.byPort(80)).extracting(ServiceNames.Entry::name).containsExactly("http", "www-http");
        assertThat(names.byName("portmapper")).singleElement().satisfies(e -> {
            assertThat(e.port()).isEqualTo(111);
            assertThat(e.description()).isEqualTo("SUN Remote Procedure Call");
            assertThat(e.source()).isEqualTo("/etc/services+iana");
        });
        assertThat(names.byName("sink")).extracting(ServiceNames.Entry::aliases).containsExactly(List.of("sink", "null"));
        assertThat(names.byPort(99999)).isEmpty();
    }

    @Test
    void namesOfAFewPortsAreWhatTheRegistryNamesThem() {
        Set<Integer> all = IntStream.rangeClosed(0, 65535).boxed().collect(Collectors.toSet());
        for (String protocol : List.of("tcp", "udp")) {
            Map<Integer, String> names = ServiceNames.names(protocol, all);
            int named = 0;
            for (int port = 0; port <= 65535; port++) {
                assertThat(Optional.ofNullable(names.get(port))).as("%d/%s", port, protocol)
                        .isEqualTo(SHIPPED.name(port, protocol));
                named += names.containsKey(port) ? 1 : 0;
            }
            assertThat(named).isGreaterThan(5_000);
        }
        assertThat(ServiceNames.names("tcp", Set.of(25, 65000))).isEqualTo(Map.of(25, "smtp"));
        assertThat(ServiceNames.names("tcp", Set.of())).isEmpty();
    }

    @Test
    void namesOfAFewPortsPreferEtcServicesAndIanasSpelling(@TempDir Path dir) throws IOException {
        Path etc = dir.resolve("services");
        Files.writeString(etc, """
                http		80/tcp		www
                web		80/tcp
                DayTime		13/tcp
                echo		7/udp
                """);
        String iana = """
                # header
                7\ttcp\techo\tEcho
                7\ttcp\tother\tAnother
                13\ttcp\tdaytime\tDaytime
                80\ttcp\twww-http\tWorld Wide Web HTTP
                """;
        Set<Integer> ports = Set.of(7, 13, 80, 81);
        Map<Integer, String> names = ServiceNames.names(new StringReader(iana), etc, "tcp", ports);
        ServiceNames registry = ServiceNames.load(new StringReader(iana), etc);
        assertThat(names).isEqualTo(Map.of(7, "echo", 13, "daytime", 80, "http"));
        for (int port : ports) {
            assertThat(Optional.ofNullable(names.get(port))).isEqualTo(registry.name(port, "tcp"));
        }
    }

    @Test
    void worksWithoutEtcServices(@TempDir Path dir) throws IOException {
        ServiceNames names = ServiceNames.load(new StringReader("13\ttcp\tdaytime\tDaytime\n"), dir.resolve("none"));
        assertThat(names.name(13, "tcp")).contains("daytime");
        assertThat(names.name(13, "udp")).isEmpty();
    }
}
