package dev.portd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portd.config.CommonOptions;
import dev.portd.config.ConfigException;
import dev.portd.config.ConfigLoader;
import dev.portd.service.ServiceKinds;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portd reload}: asks the running portd, over its control socket, to re-read its config. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Make the running portd re-read its config and apply it (as SIGHUP does), and print "
                + "what changed or every problem that refused it.", ""},
        footer = {"", "Examples:",
                "  portd reload                                      the portd on /run/portd/control.sock",
                "  portd reload --control-socket /tmp/portd.sock     the one whose config names that socket",
                "", "Exit codes: 0 applied, 2 refused (each problem listed; the old config still runs) or no portd answers."})
public final class ReloadCommand implements Callable<Integer> {
    /** An answer is a summary and a line per change or problem; a megabyte is thousands of them. */
    private static final int MAX_ANSWER = 1 << 20;

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Find the control socket in this config's host.control_socket. Default: the built-in config.")
    Path config;

    @Option(names = "--control-socket", paramLabel = "PATH",
            description = "The running portd's control socket. Default: host.control_socket of the config.")
    Path controlSocket;

    @Option(names = "--json", description = "Print the answer as JSON.")
    boolean json;

    @Override
    public Integer call() {
        Path path = controlSocket != null ? controlSocket : socketOf(config);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String answer;
        try {
            answer = ask(path, "reload");
        } catch (IOException e) {
            err.println("portd reload: no portd answers on " + path + ": " + e.getMessage()
                    + "; is portd serve running, and is this its host.control_socket? (--control-socket PATH)");
            return ExitCodes.REFUSED;
        }
        JsonNode reply;
        try {
            reply = new ObjectMapper().readTree(answer);
        } catch (IOException e) {
            err.println("portd reload: " + path + " answered what is not portd's JSON: " + answer.strip());
            return ExitCodes.REFUSED;
        }
        if (reply == null || reply.has("error")) {
            err.println("portd reload: " + (reply == null ? "no answer" : reply.get("error").asText()));
            return ExitCodes.REFUSED;
        }
        if (json) {
            out.println(reply);
        } else {
            PrintWriter w = reply.path("applied").asBoolean() ? out : err;
            for (JsonNode line : reply.path("lines")) {
                w.println(line.asText());
            }
            w.println("portd reload " + reply.path("summary").asText());
        }
        return reply.path("applied").asBoolean() ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    /** The control socket a config names; its default when the config itself has problems (the reload says them). */
    private static Path socketOf(Path config) {
        try {
            String path = (config == null ? ConfigLoader.loadDefault(ServiceKinds.BUILT_IN)
                    : ConfigLoader.load(config, ServiceKinds.BUILT_IN)).controlSocket();
            return Path.of(path.isEmpty() ? CommonOptions.CONTROL_SOCKET.defaultValue() : path);
        } catch (ConfigException e) {
            return Path.of(CommonOptions.CONTROL_SOCKET.defaultValue());
        }
    }

    /** Sends one command line and reads the answer to the end. */
    static String ask(Path path, String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            byte[] bytes = Channels.newInputStream(ch).readNBytes(MAX_ANSWER);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
