package dev.portd.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetsTest {

    @Test
    void takesIpv4AndIpv6AddressesAndNames() {
        assertThat(Targets.parse(List.of("127.0.0.1", "::1", "localhost")))
                .extracting(Targets.Target::addressText).startsWith("127.0.0.1", "::1");
        assertThat(Targets.parse(List.of("localhost")).get(0).name()).isEqualTo("localhost");
        assertThat(Targets.parse(List.of("localhost")).get(0).address().isLoopbackAddress()).isTrue();
    }

    @Test
    void expandsCidrRanges() {
        assertThat(Targets.parse(List.of("127.0.0.0/30"))).extracting(Targets.Target::addressText)
                .containsExactly("127.0.0.0", "127.0.0.1", "127.0.0.2", "127.0.0.3");
        assertThat(Targets.parse(List.of("127.0.0.5/24"))).hasSize(256).first()
                .extracting(Targets.Target::addressText).isEqualTo("127.0.0.0");
        assertThat(Targets.parse(List.of("127.0.0.255/31"))).extracting(Targets.Target::addressText)
                .containsExactly("127.0.0.254", "127.0.0.255");
        assertThat(Targets.parse(List.of("::/126"))).extracting(Targets.Target::addressText)
                .containsExactly("::", "::1", "::2", "::3");
    }

    @Test
    void refusesHugeRangesAndUnknownHosts() {
        assertThatThrownBy(() -> Targets.parse(List.of("10.0.0.0/8"))).hasMessageContaining("portd scans at most 65536 hosts");
        assertThatThrownBy(() -> Targets.parse(List.of("2001:db8::/64"))).hasMessageContaining("at most 65536 hosts (a /112)");
        assertThatThrownBy(() -> Targets.parse(List.of("127.0.0.1/40"))).hasMessageContaining("prefix length must be 0..32");
        assertThatThrownBy(() -> Targets.parse(List.of("no-such-host.invalid"))).hasMessageContaining("no such host");
    }
}
