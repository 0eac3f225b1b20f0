package dev.portd.cli;

import dev.portd.support.PortdCli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ServicesCommandTest {

    @Test
    void aNumberGivesItsNames() {
        PortdCli r = PortdCli.run("services", "25");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("PORT").containsPattern("(?m)^25/tcp +smtp\\b").containsPattern("(?m)^25/udp +smtp\\b");
    }

    @Test
    void aNameGivesItsPorts() {
        PortdCli r = PortdCli.run("services", "sunrpc");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("(?m)^111/tcp +sunrpc").containsPattern("(?m)^111/udp +sunrpc");
        assertThat(PortdCli.run("services", "SMTP", "--protocol", "udp").out())
                .containsPattern("(?m)^25/udp +smtp").doesNotContain("25/tcp");
    }

    @Test
    void searchFindsByDescription() {
        PortdCli r = PortdCli.run("services", "--search", "mail");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Simple Mail Transfer").contains("re-mail-ck");
    }

    @Test
    void jsonListsTheEntries() throws Exception {
        PortdCli r = PortdCli.run("services", "13", "--json");
        var entries = new ObjectMapper().readTree(r.out()).get("entries");
        assertThat(entries.get(0).get("name").asText()).isEqualTo("daytime");
        assertThat(entries.get(0).get("port").asInt()).isEqualTo(13);
    }

    @Test
    void nothingFoundOrNothingAskedIsExitTwo() {
        PortdCli none = PortdCli.run("services", "no-such-service-name");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("nothing is named \"no-such-service-name\"; try portd services --search");
        PortdCli empty = PortdCli.run("services");
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err()).contains("give a port number or service name, or --search WORD");
        assertThat(PortdCli.run("services", "70000").err()).contains("port 70000 is outside 0-65535");
    }
}
