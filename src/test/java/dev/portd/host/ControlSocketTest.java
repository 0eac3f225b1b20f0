package dev.portd.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.service.HostView.Reload;
import dev.portd.support.TestHosts;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket: owner-only file, one command a line, one JSON line back. */
class ControlSocketTest {
    @TempDir
    Path dir;

    final AtomicInteger reloads = new AtomicInteger();

    ControlSocket open(Host host, Path path) throws IOException {
        return ControlSocket.open(path, host, new ControlSocket.Actions() {
            @Override
            public Reload reload() {
                reloads.incrementAndGet();
                return host.reload(host.config());
            }

            @Override
            public void upgraded() {
            }
        });
    }

    static JsonNode ask(Path path, String line) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
            return new ObjectMapper().readTree(new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void reloadAnswersWithTheResultAsJsonOnAnOwnerOnlySocket() throws Exception {
        Path path = dir.resolve("run/control.sock");
        try (Host host = TestHosts.start("[services.echo]\n"); ControlSocket control = open(host, path)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
            JsonNode answer = ask(path, "reload\n");
            assertThat(answer.path("applied").asBoolean()).isTrue();
            assertThat(answer.path("summary").asText()).isEqualTo("applied: 0 added, 0 removed, 2 kept (0 services new or changed)");
            assertThat(reloads).hasValue(1);
            assertThat(ask(path, "restart\n").path("error").asText()).isEqualTo("unknown command \"restart\"; use reload or upgrade");
            assertThat(ask(path, "x".repeat(200) + "\n").path("error").asText()).contains("line too long");
            assertThat(ask(path, "drain\n").path("error").asText()).isEqualTo("drain before send");
        }
        assertThat(path).doesNotExist();
    }

    @Test
    void refusesAPathThatIsNotASocketAndLeavesTheFile() throws Exception {
        Path path = Files.writeString(dir.resolve("portd.toml"), "precious");
        try (Host host = TestHosts.start("[services.echo]\n")) {
            assertThatThrownBy(() -> open(host, path)).isInstanceOf(IOException.class)
                    .hasMessage("exists and is not a socket; remove it, or set host.control_socket to another path");
        }
        assertThat(Files.readString(path)).isEqualTo("precious");
    }

    @Test
    void replacesAStaleSocketButNotALiveOne() throws Exception {
        Path path = dir.resolve("control.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));   // closed below without unlinking, as a killed portd leaves it
        }
        try (Host host = TestHosts.start("[services.echo]\n"); ControlSocket control = open(host, path)) {
            assertThat(ask(path, "reload\n").path("applied").asBoolean()).isTrue();
            assertThatThrownBy(() -> open(host, path)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("another portd listens on it");
        }
    }
}
