package dev.portd.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
    static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void ipv4RangeContainsItsAddressesOnly() throws Exception {
        Cidr net = Cidr.parse("10.1.0.0/16");
        assertThat(net.contains(ip("10.1.255.3"))).isTrue();
        assertThat(net.contains(ip("10.2.0.1"))).isFalse();
        assertThat(net.contains(ip("::1"))).isFalse();
    }

    @Test
    void bareAddressIsARangeOfOne() throws Exception {
        assertThat(Cidr.parse("127.0.0.1").contains(ip("127.0.0.1"))).isTrue();
        assertThat(Cidr.parse("127.0.0.1").contains(ip("127.0.0.2"))).isFalse();
    }

    @Test
    void ipv6Ranges() throws Exception {
        Cidr net = Cidr.parse("2001:db8::/32");
        assertThat(net.contains(ip("2001:db8:1::5"))).isTrue();
        assertThat(net.contains(ip("2001:db9::5"))).isFalse();
        assertThat(Cidr.parse("::/0").contains(ip("fe80::1"))).isTrue();
    }

    @Test
    void ipv4MappedAddressMatchesIpv4Range() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        assertThat(Cidr.parse("127.0.0.0/8").contains(InetAddress.getByAddress(mapped))).isTrue();
    }

    @Test
    void hostBitsAreMaskedAndPrinted() {
        assertThat(Cidr.parse("192.168.7.9/24")).hasToString("192.168.7.0/24");
        assertThat(Cidr.parse("::1")).hasToString("::1");
    }

    @Test
    void rejectsWhatIsNotARange() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix length must be 0..32");
        assertThatThrownBy(() -> Cidr.parse("example.com")).hasMessageContaining("not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> Cidr.parse("10.0.0/8")).hasMessageContaining("not an IPv4 or IPv6 address");
    }
}
