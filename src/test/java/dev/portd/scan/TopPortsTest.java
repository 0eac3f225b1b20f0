package dev.portd.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TopPortsTest {

    @Test
    void theHeadIsPortdsOwnListInItsOrder() {
        assertThat(TopPorts.first(5)).containsExactly(80, 443, 22, 8080, 8443);
    }

    @Test
    void topOneThousandIsOneThousandDistinctPortsWithTheUsualSuspects() {
        int[] top = TopPorts.first(TopPorts.DEFAULT);
        assertThat(top).hasSize(1000).doesNotHaveDuplicates();
        assertThat(top).contains(21, 22, 23, 25, 53, 80, 110, 111, 143, 443, 445, 993, 995, 3306, 3389, 5432, 6379, 8080);
        assertThat(java.util.stream.IntStream.of(top).allMatch(p -> p >= 1 && p <= 65535)).isTrue();
    }

    @Test
    void allPortsIsEveryPortOnce() {
        int[] all = TopPorts.first(65535);
        int[] sorted = all.clone();
        Arrays.sort(sorted);
        assertThat(sorted[0]).isEqualTo(1);
        assertThat(sorted[65534]).isEqualTo(65535);
        assertThat(all).doesNotHaveDuplicates();
    }

    @Test
    void refusesCountsOutsideTheRange() {
        assertThatThrownBy(() -> TopPorts.first(0)).hasMessageContaining("--top 0: give 1..65535");
        assertThatThrownBy(() -> TopPorts.first(65536)).hasMessageContaining("give 1..65535");
    }
}
