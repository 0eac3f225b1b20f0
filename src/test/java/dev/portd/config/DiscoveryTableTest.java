package dev.portd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portd.config.DiscoveryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code [discovery]} table: defaults, and one message per bad key in the config's own format. */
class DiscoveryTableTest {
    static final String ECHO = "[services.echo]\nport = 7\n";

    @Test
    void noTableNoDiscovery() {
        assertThat(ConfigLoader.parse(ECHO, "t.toml", dev.portd.service.ServiceKinds.BUILT_IN).discovery()).isNull();
    }

    @Test
    void defaultsFillWhatIsNotGiven() {
        DiscoveryConfig d = ConfigLoader.parse(ECHO + "[discovery]\nzookeeper = \"10.0.0.1:2181,10.0.0.2:2181\"\n",
                "t.toml", dev.portd.service.ServiceKinds.BUILT_IN).discovery();
        assertThat(d.zookeeper()).isEqualTo("10.0.0.1:2181,10.0.0.2:2181");
        assertThat(d.basePath()).isEqualTo("/portd");
        assertThat(d.sessionTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(d.hostName()).isEqualTo(DiscoveryTable.machineName()).isNotEmpty();
        assertThat(d.auth()).isNull();
    }

    @Test
    void everyKeyIsRead() {
        DiscoveryConfig d = ConfigLoader.parse(ECHO + "[discovery]\nzookeeper = \"zk1:2181/cluster1\"\n"
                + "base_path = \"/lab/portd\"\nhost_name = \"web-3\"\nsession_timeout = \"6s\"\n"
                + "auth = \"digest:portd:s3cret\"\n", "t.toml", dev.portd.service.ServiceKinds.BUILT_IN).discovery();
        assertThat(d).isEqualTo(new DiscoveryConfig("zk1:2181/cluster1", "/lab/portd", "web-3", Duration.ofSeconds(6),
                "digest:portd:s3cret"));
        assertThat(d.toString()).doesNotContain("s3cret");
    }

    @Test
    void authComesFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("zk.auth");
        Files.writeString(file, "digest:portd:from-file\n");
        DiscoveryConfig d = ConfigLoader.parse(ECHO + "[discovery]\nzookeeper = \"zk1:2181\"\nauth_file = \""
                + file + "\"\n", "t.toml", dev.portd.service.ServiceKinds.BUILT_IN).discovery();
        assertThat(d.auth()).isEqualTo("digest:portd:from-file");
    }

    @Test
    void everyProblemIsNamedWithItsLine() {
        String text = ECHO + "[discovery]\n"          // line 3
                + "zookeeper = \"zk1:99999\"\n"       // 4
                + "base_path = \"portd/\"\n"          // 5
                + "session_timeout = \"500ms\"\n"     // 6
                + "auth = \"plain:secret\"\n"         // 7
                + "colour = \"blue\"\n";              // 8
        assertThatThrownBy(() -> ConfigLoader.parse(text, "t.toml", dev.portd.service.ServiceKinds.BUILT_IN))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "t.toml:4: discovery.zookeeper = \"zk1:99999\": \"zk1:99999\": port must be 1..65535",
                        "t.toml:5: discovery.base_path = \"portd/\": must be an absolute znode path such as \"/portd\" (letters, digits, . _ -; no trailing /)",
                        "t.toml:6: discovery.session_timeout = \"500ms\": must be a duration 1s..10m such as \"250ms\", \"30s\", "
                                + "\"5m\" or \"1h\" (how long a dead host's entries stay; ZooKeeper clamps it to 2..20 of its ticks)",
                        "t.toml:7: discovery.auth: must be \"digest:user:password\"",
                        "t.toml:8: discovery.colour: unknown key; allowed here: auth, auth_file, base_path, host_name, session_timeout, zookeeper"));
    }

    @Test
    void aMissingConnectStringIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.parse(ECHO + "[discovery]\nhost_name = \"a\"\n", "t.toml", dev.portd.service.ServiceKinds.BUILT_IN))
                .hasMessageContaining("t.toml:3: discovery.zookeeper: missing; must be a ZooKeeper connect string");
    }
}
