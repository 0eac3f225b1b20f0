package dev.portd.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hint a report gives when the target closed connections: which of portd's limits it may be. */
class LoadReportTest {

    @Test
    void closesAtTwoHundredFiftySixFromOneAddressPointAtPerSource() {
        assertThat(LoadReport.closedHint(Map.of("idle: closed by the target", 744L), 256, 0))
                .isEqualTo("closed by the target: per_source on portd? (256 connections from one address by default);"
                        + " at most 256 were open at once; raise the limit on the service under test (0: no limit),"
                        + " or spread the load with --source");
    }

    @Test
    void perSourceCountsEverySourceAddress() {
        assertThat(LoadReport.closedHint(Map.of("echo: closed by the target", 1L), 1000, 8))
                .startsWith("closed by the target: per_source, max_connections or idle_timeout on portd?");
        assertThat(LoadReport.closedHint(Map.of("echo: closed by the target", 1L), 2048, 8))
                .startsWith("closed by the target: per_source on portd? (256 connections from one address by default,"
                        + " 8 source addresses here)");
    }

    @Test
    void tenThousandOpenPointAtMaxConnections() {
        assertThat(LoadReport.closedHint(Map.of("idle: closed by the target", 5L), 10_000, 64))
                .startsWith("closed by the target: max_connections on portd? (10000 a service by default)");
    }

    @Test
    void resetsCountAsClosesToo() {
        assertThat(LoadReport.closedHint(Map.of("io: Connection reset by peer", 2L), 3, 0))
                .startsWith("closed by the target: per_source, max_connections or idle_timeout on portd?");
    }

    @Test
    void otherErrorsGetNoHint() {
        assertThat(LoadReport.closedHint(Map.of("echo: reply differs from what was sent", 3L), 300, 0)).isNull();
    }
}
