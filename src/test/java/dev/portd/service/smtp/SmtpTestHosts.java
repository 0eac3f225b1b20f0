package dev.portd.service.smtp;

import dev.portd.config.ServiceConfig;
import dev.portd.host.Host;
import dev.portd.service.ServiceKinds;
import dev.portd.service.ServiceOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Embedded hosts with one SMTP service on loopback, port 0, storing into a test's Maildir. */
final class SmtpTestHosts {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T05:00:00Z"), ZoneOffset.UTC);

    private SmtpTestHosts() {
    }

    /** Starts a host; {@code options} are key, value pairs beside maildir and hostname. */
    static Host start(Path maildir, Object... options) {
        Map<String, Object> values = new HashMap<>();
        values.put("maildir", maildir.toString());
        values.put("hostname", "mx.test");
        for (int i = 0; i < options.length; i += 2) {
            values.put((String) options[i], options[i + 1]);
        }
        ServiceConfig smtp = ServiceConfig.of(ServiceKinds.find("smtp"), 0).withOptions(new ServiceOptions(values));
        return Host.builder().service(smtp).clock(CLOCK).start();
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
