package dev.portd.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portd.host.Host;
import dev.portd.service.Option;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceKinds;
import dev.portd.support.PortdCli;
import dev.portd.support.TestHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portd check} refuses exactly what {@code portd serve} refuses, with the same words: for
 * every option of every kind (and every common and host key), values of the wrong type, out of
 * range and overflowing are refused by both; values in range are accepted by both (serve then binds).
 */
class CheckServeParityTest {
    /** Longer than any long: Jackson reads it as a BigInteger, which once wrapped to 7766279631452241919. */
    static final String TWENTY_DIGITS = "99999999999999999999";

    @TempDir
    static Path dir;

    /** What every service of a kind needs beside the key under test, so that only that key decides. */
    static String base(ServiceKind kind) {
        return switch (kind.name()) {
            case "smtp" -> "maildir = " + TestHosts.quote(dir.resolve("mail")) + "\nstarttls = false\n";
            case "portmapper" -> "state = \"\"\nlocal_socket = \"\"\n";
            case "http" -> "root = " + TestHosts.quote(dir) + "\n";
            case "forward" -> "to = \"127.0.0.1:9\"\n";
            case "exec" -> "command = [\"/bin/true\"]\n";
            default -> "";
        };
    }

    /** Values a key of this option must refuse, as TOML. */
    static List<String> bad(Option<?> o) {
        List<String> values = new ArrayList<>();
        switch (o.type()) {
            case INTEGER, SIZE -> {
                values.add(TWENTY_DIGITS);
                values.add("\"" + (o.type() == Option.Type.SIZE ? "12 parsecs" : "seven") + "\"");
                values.add(Long.toString(o.max() + 1));
                if (o.min() > Long.MIN_VALUE) {
                    values.add(Long.toString(o.min() - 1));
                }
                values.add("1.5");
            }
            case DURATION -> {
                values.addAll(List.of("\"soon\"", "5", "\"" + (o.max() + 1) + "ms\"", "\"" + TWENTY_DIGITS + "s\""));
                if (o.min() > 0) {
                    values.add("\"0ms\"");
                }
            }
            case BOOLEAN -> values.addAll(List.of("\"yes\"", "1"));
            case STRING, PATH -> values.addAll(List.of("5", "[\"a\"]"));
            case CHOICE -> values.addAll(List.of("\"nope\"", "5"));
            case STRINGS -> values.addAll(List.of("5", "[1, 2]"));
            case ADDRESSES -> values.addAll(List.of("\"nowhere\"", "7", "[\"127.0.0.1\", 7]"));
            case RANGES -> values.addAll(List.of("[\"10.0.0.0/40\"]", "\"x/8\"", "[1]"));
            case PROTOCOLS -> values.addAll(List.of("[\"sctp\"]", "[]", "\"tcp, udp\""));
            case HOST_PORT -> values.addAll(List.of("5", "\"nohost\"", "\"[::1:80\"", "\"a:70000\""));
            case TABLE -> values.addAll(List.of("5", "{ A = 1 }"));
        }
        return values;
    }

    /** Values in range, accepted by both; a few keys need one that works in this sandbox. */
    static List<String> good(Option<?> o, ServiceKind kind) throws IOException {
        if (kind == null) {
            kind = ServiceKinds.BUILT_IN.get(0);
        }
        Map<String, String> special = Map.ofEntries(
                Map.entry("zone", "\"Europe/Paris\""),
                Map.entry("quotes", TestHosts.quote(Files.writeString(dir.resolve("quotes"), "One.\n%\nTwo.\n"))),
                Map.entry("maildir", TestHosts.quote(dir.resolve("mail2"))),
                Map.entry("root", TestHosts.quote(dir)),
                Map.entry("access_log", TestHosts.quote(dir.resolve("access.log"))),
                Map.entry("bind", "\"127.0.0.1\""),
                Map.entry("to", "\"[::1]:9\""),
                Map.entry("command", "[\"/bin/echo\", \"hi\"]"),
                Map.entry("user", "\"root\""),
                Map.entry("cwd", "\"/\""),
                Map.entry("port", "0"),
                Map.entry("enabled", "true"),
                Map.entry("kind", TestHosts.quote(kind.name())),
                // exec over UDP needs wait = true (a rule case below): each kind's first protocol, TCP first
                Map.entry("protocols", "[\"" + kind.protocols().stream().sorted().findFirst().orElseThrow().label() + "\"]"));
        if (kind.name().equals("exec") && o.key().equals("wait")) {
            return List.of("false");   // wait = true is for UDP: a rule case below
        }
        if (special.containsKey(o.key())) {
            return List.of(special.get(o.key()));
        }
        return switch (o.type()) {
            case INTEGER, SIZE -> List.of(Long.toString(o.min()), Long.toString(o.max()));
            case DURATION -> List.of("\"" + o.min() + "ms\"", "\"" + o.max() + "ms\"");
            case BOOLEAN -> List.of("true", "false");
            case CHOICE -> o.choices().stream().map(c -> "\"" + c + "\"").toList();
            case STRINGS -> List.of("[\"example.org\"]");
            case RANGES -> List.of("[\"127.0.0.0/8\", \"::1\"]");
            case STRING -> List.of("\"mx.test\"");
            case TABLE -> List.of("{ LANG = \"C.UTF-8\" }");
            default -> List.of();   // tls_cert, tls_key: covered by SmtpConfigTest with a real pair
        };
    }

    record Case(String label, String toml, boolean valid, String key) {
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (ServiceKind kind : ServiceKinds.BUILT_IN) {
            String head = "[services.t]\nkind = \"" + kind.name() + "\"\nport = 0\n" + base(kind);
            List<Option<?>> options = new ArrayList<>(kind.options());
            if (kind.name().equals("echo")) {
                options.addAll(CommonOptions.SERVICE);   // the common keys, once
            }
            for (Option<?> o : options) {
                if (o == CommonOptions.KIND) {
                    continue;
                }
                String table = head.lines().filter(l -> !l.startsWith(o.key() + " ="))
                        .reduce("", (a, b) -> a + b + "\n");
                for (String v : bad(o)) {
                    cases.add(new Case(kind.name() + "." + o.key() + " = " + v, table + o.key() + " = " + v + "\n",
                            false, "services.t." + o.key()));
                }
                for (String v : good(o, kind)) {
                    cases.add(new Case(kind.name() + "." + o.key() + " = " + v, table + o.key() + " = " + v + "\n",
                            true, null));
                }
            }
        }
        // exec's rule over wait and protocols together: refused by both, on the line of wait
        String exec = "[services.t]\nkind = \"exec\"\nport = 0\n" + base(ServiceKinds.BUILT_IN.stream()
                .filter(k -> k.name().equals("exec")).findFirst().orElseThrow());
        cases.add(new Case("exec over tcp with wait = true", exec + "wait = true\n", false, "services.t.wait"));
        cases.add(new Case("exec over udp with wait = false", exec + "protocols = [\"udp\"]\nwait = false\n", false,
                "services.t.wait"));
        cases.add(new Case("exec over tcp and udp", exec + "protocols = [\"tcp\", \"udp\"]\nwait = true\n", false,
                "services.t.wait"));
        cases.add(new Case("exec over udp with wait = true", exec + "protocols = [\"udp\"]\nwait = true\n", true, null));
        // a NUL in argv (found by XinetdFuzzTest through the importer): a clear refusal, not a stack trace
        cases.add(new Case("exec program with a NUL", "[services.t]\nkind = \"exec\"\nport = 0\n"
                + "command = [\"/bin/true\\u0000x\"]\n", false, "services.t.command"));
        cases.add(new Case("exec argument with a NUL", "[services.t]\nkind = \"exec\"\nport = 0\n"
                + "command = [\"/bin/true\", \"a\\u0000b\"]\n", false, "services.t.command"));
        for (Option<?> o : CommonOptions.HOST) {
            String service = "[services.echo]\nport = 0\n";
            for (String v : bad(o)) {
                cases.add(new Case("host." + o.key() + " = " + v, "[host]\n" + o.key() + " = " + v + "\n" + service,
                        false, "host." + o.key()));
            }
            for (String v : o.key().equals("transport") ? List.of("\"auto\"", "\"nio\"") : good(o, null)) {
                cases.add(new Case("host." + o.key() + " = " + v, "[host]\n" + o.key() + " = " + v + "\n" + service,
                        true, null));
            }
        }
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> checkAndServeAgreeOnEveryValueOfEveryKey() throws IOException {
        List<Case> cases = cases();
        assertThat(cases).as("every kind and key yields cases").hasSizeGreaterThan(200);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> {
            Path file = Files.writeString(Files.createTempFile(dir, "case", ".toml"), c.toml());
            PortdCli check = PortdCli.run("check", "--config", file.toString(), "--bind", "127.0.0.1");
            if (c.valid()) {
                assertThat(check.exit()).as(check.err()).isZero();
                HostConfig config = ConfigLoader.load(file, ServiceKinds.BUILT_IN)
                        .withBind(List.of(java.net.InetAddress.getLoopbackAddress()));
                try (Host host = Host.start(config)) {
                    assertThat(host.listeners()).as("serve binds what check accepted").isNotEmpty();
                }
                return;
            }
            PortdCli serve = PortdCli.run("serve", "--config", file.toString(), "--bind", "127.0.0.1");
            assertThat(check.exit()).as("check refuses " + c.label() + "\n" + check.out()).isEqualTo(2);
            assertThat(serve.exit()).as("serve refuses " + c.label()).isEqualTo(2);
            assertThat(serve.err()).as("the same words").isEqualTo(check.err());
            assertThat(check.err()).startsWith(file + ":").contains(": " + c.key() + " = ")
                    .endsWith("portd: the config has 1 problem; nothing was started\n")
                    .doesNotContain(TWENTY_DIGITS.substring(0, 5) + "x", "7766279631452241919", "Exception");
        }));
    }
}
