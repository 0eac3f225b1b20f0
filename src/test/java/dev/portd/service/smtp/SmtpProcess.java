package dev.portd.service.smtp;

import dev.portd.support.PortdProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** portd as a separate process with one smtp service on a free port, storing into a maildir. */
final class SmtpProcess {
    private SmtpProcess() {
    }

    /** Starts it; {@code extra} are more TOML lines for the smtp table. */
    static PortdProcess start(Path dir, Path maildir, String... extra) throws IOException {
        StringBuilder toml = new StringBuilder("[services.smtp]\nport = 0\nprotocols = [\"tcp\"]\nbind = [\"127.0.0.1\"]\n"
                + "hostname = \"mx.test\"\nmaildir = \"" + maildir + "\"\n");
        for (String line : extra) {
            toml.append(line).append('\n');
        }
        Path config = dir.resolve("portd.toml");
        Files.writeString(config, toml);
        return PortdProcess.serve(config);
    }
}
