package dev.portd.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PortListTest {

    @Test
    void parsesNmapPortSyntax() {
        assertThat(PortList.parse("80")).containsExactly(80);
        assertThat(PortList.parse("1-5")).containsExactly(1, 2, 3, 4, 5);
        assertThat(PortList.parse("22,80,443")).containsExactly(22, 80, 443);
        assertThat(PortList.parse("443, 22-23 ,80")).containsExactly(443, 22, 23, 80);
        assertThat(PortList.parse("-")).hasSize(65535).startsWith(1).endsWith(65535);
        assertThat(PortList.parse("-3")).containsExactly(1, 2, 3);
        assertThat(PortList.parse("65534-")).containsExactly(65534, 65535);
    }

    @Test
    void listsEachPortOnce() {
        assertThat(PortList.parse("80,79-81,80")).containsExactly(80, 79, 81);
    }

    @Test
    void refusesWhatIsNotAPortList() {
        assertThatThrownBy(() -> PortList.parse("")).hasMessageContaining("empty port list");
        assertThatThrownBy(() -> PortList.parse("http")).hasMessageContaining("\"http\" is not a port number");
        assertThatThrownBy(() -> PortList.parse("0")).hasMessageContaining("port 0 is outside 1-65535");
        assertThatThrownBy(() -> PortList.parse("1-70000")).hasMessageContaining("port 70000 is outside 1-65535");
        assertThatThrownBy(() -> PortList.parse("90-80")).hasMessageContaining("runs backwards; write 80-90");
        assertThatThrownBy(() -> PortList.parse("80,,81")).hasMessageContaining("is not a port number");
    }
}
