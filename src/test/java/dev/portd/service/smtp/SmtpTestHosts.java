package dev.portd.service.smtp;

import dev.portd.host.Host;
import dev.portd.support.TestHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Embedded hosts with one SMTP service on loopback, port 0, storing into a test's Maildir. */
final class SmtpTestHosts {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T05:00:00Z"), ZoneOffset.UTC);

    private SmtpTestHosts() {
    }

    /** Starts a host; {@code options} are key, value pairs beside maildir and hostname. */
    static Host start(Path maildir, Object... options) {
        StringBuilder toml = new StringBuilder("[services.smtp]\nmaildir = " + TestHosts.quote(maildir)
                + "\nhostname = \"mx.test\"\n");
        for (int i = 0; i < options.length; i += 2) {
            toml.append(options[i]).append(" = ").append(value(options[i + 1])).append('\n');
        }
        return TestHosts.start(toml.toString(), CLOCK);
    }

    /** A value as TOML writes it: strings and durations quoted, lists as arrays. */
    static String value(Object v) {
        if (v instanceof Duration d) {
            return "\"" + d.toMillis() + "ms\"";
        }
        if (v instanceof List<?> list) {
            return list.stream().map(SmtpTestHosts::value).collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        }
        return v instanceof String ? TestHosts.quote(v) : String.valueOf(v);
    }

    /** The files in one of the Maildir's folders, sorted by name. */
    static List<Path> files(Path maildir, String folder) throws IOException {
        try (Stream<Path> s = Files.list(maildir.resolve(folder))) {
            return new ArrayList<>(s.sorted().toList());
        }
    }

    /** The stored file a "250 2.0.0 OK: queued as NAME" reply names. */
    static Path stored(Path maildir, String reply) {
        String name = reply.substring(reply.indexOf("queued as ") + 10).trim();
        return maildir.resolve("new").resolve(name);
    }

    /** The base id in a stored name: the part before ",S=". */
    static String id(String reply) {
        String name = reply.substring(reply.indexOf("queued as ") + 10).trim();
        return name.substring(0, name.indexOf(",S="));
    }
}
