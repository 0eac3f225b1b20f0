package dev.portd.service.exec;

import dev.portd.ports.Protocol;
import dev.portd.service.KindCheck;
import dev.portd.service.Option;
import dev.portd.service.ServiceOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The exec kind's options, their checks against the world, and the argv and environment they make. */
final class ExecSettings {
    static final Option<List<String>> COMMAND = Option.strings("command",
            "the program and its arguments, argv[0] an absolute path, e.g. [\"/usr/bin/git\", \"daemon\", \"--inetd\"]")
            .required();
    static final Option<String> USER = Option.string("user", null,
            "run the program as this user (through setpriv); another user than portd's needs root")
            .defaultText("portd's own");
    static final Option<Map<String, String>> ENV = Option.table("env",
            "environment variables to set, beside PROTO, TCPREMOTEIP, TCPREMOTEPORT, TCPLOCALIP, TCPLOCALPORT, REMOTE_HOST");
    static final Option<List<String>> PASS_ENV = Option.strings("pass_env",
            "names of portd's own environment variables the program gets, e.g. [\"PATH\"]");
    static final Option<Path> CWD = Option.path("cwd", Path.of("/"), "the program's working directory");
    static final Option<String> STDERR = Option.choice("stderr", "log", List.of("log", "client", "discard"),
            "where the program's fd 2 goes: lines to portd's log, the client's socket, or /dev/null");
    static final Option<Boolean> WAIT = Option.bool("wait", false,
            "true for UDP: the program owns the socket until it exits (inetd wait); false for TCP: a program per connection");
    static final Option<Duration> KILL_AFTER = Option.duration("kill_after", Duration.ZERO, Duration.ofMinutes(10),
            Duration.ofSeconds(5), "after SIGTERM (idle, or a UDP program at stop), SIGKILL follows this much later");
    static final List<Option<?>> OPTIONS = List.of(COMMAND, USER, ENV, PASS_ENV, CWD, STDERR, WAIT, KILL_AFTER);

    /** The setpriv of util-linux: drops to another user and execs, since posix_spawn cannot setuid. */
    static final String SETPRIV = "/usr/bin/setpriv";

    private ExecSettings() {
    }

    /**
     * TCP is served with a program per connection ({@code wait = false}), UDP with a program that owns
     * the socket ({@code wait = true}); one service cannot do both, so tcp and udp together never fit.
     */
    static void rule(ServiceOptions options, Set<Protocol> protocols, KindCheck.Problems problems) {
        boolean wait = options.get(WAIT);
        if (protocols.size() > 1) {
            problems.add(WAIT, "one exec service serves TCP (wait = false: a program per connection) or UDP (wait = true: "
                    + "the program owns the socket), not both: make two services, one with protocols = [\"tcp\"], "
                    + "one with protocols = [\"udp\"] and wait = true");
        } else if (wait && protocols.contains(Protocol.TCP)) {
            problems.add(WAIT, "over TCP portd starts a program per connection (inetd nowait); wait = true is for UDP: "
                    + "set wait = false, or protocols = [\"udp\"] for a datagram program");
        } else if (!wait && protocols.contains(Protocol.UDP)) {
            problems.add(WAIT, "over UDP the program owns the socket until it exits (inetd wait): set wait = true");
        }
    }

    static void check(ServiceOptions options, KindCheck.Problems problems) {
        List<String> command = options.get(COMMAND);
        if (command.stream().anyMatch(arg -> arg.contains("\0"))) {
            problems.add(COMMAND, "an argument holds a NUL character (\\u0000), which no program's argv can carry: remove it");
        } else if (!command.isEmpty()) {
            Path program = Path.of(command.get(0));
            if (!program.isAbsolute()) {
                problems.add(COMMAND, "\"" + program + "\" must be an absolute path, e.g. \"/usr/bin/" + program + "\"");
            } else if (!Files.isRegularFile(program)) {
                problems.add(COMMAND, program + ": no such file");
            } else if (!Files.isExecutable(program)) {
                problems.add(COMMAND, program + ": not executable by this user");
            }
        }
        Path cwd = options.get(CWD);
        if (!Files.isDirectory(cwd)) {
            problems.add(CWD, cwd + " is not a directory");
        }
        for (String key : options.get(ENV).keySet()) {
            if (key.isEmpty() || key.contains("=") || key.contains("\0")) {
                problems.add(ENV, "\"" + key + "\" is not a variable name");
            }
        }
        options.find(USER).ifPresent(user -> {
            Optional<String[]> entry = passwd(user);
            String self = System.getProperty("user.name");
            if (entry.isEmpty()) {
                problems.add(USER, "no user \"" + user + "\" in /etc/passwd");
            } else if (!user.equals(self) && !"root".equals(self)) {
                problems.add(USER, "running as \"" + user + "\" needs root; portd runs as \"" + self
                        + "\": leave user out, or start portd as root");
            } else if (!user.equals(self) && !Files.isExecutable(Path.of(SETPRIV))) {
                problems.add(USER, SETPRIV + " (util-linux) is needed to run as another user");
            }
        });
    }

    /** The fields of a user's /etc/passwd line: name, password, uid, gid, ... */
    static Optional<String[]> passwd(String user) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().map(l -> l.split(":"))
                    .filter(f -> f.length > 3 && f[0].equals(user)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** argv as spawned: through setpriv when another user is asked for. */
    static List<String> argv(ServiceOptions options) {
        List<String> command = options.get(COMMAND);
        Optional<String> user = options.find(USER).filter(u -> !u.equals(System.getProperty("user.name")));
        if (user.isEmpty()) {
            return command;
        }
        String[] pw = passwd(user.get()).orElseThrow();
        List<String> argv = new ArrayList<>(List.of(SETPRIV, "--reuid=" + pw[2], "--regid=" + pw[3],
                "--init-groups", "--"));
        argv.addAll(command);
        return List.copyOf(argv);
    }

    /** The program's environment: the connection's variables, then pass_env, then env (env wins). */
    static List<String> environment(ServiceOptions options, Map<String, String> connection) {
        Map<String, String> env = new java.util.LinkedHashMap<>(connection);
        for (String name : options.get(PASS_ENV)) {
            String v = System.getenv(name);
            if (v != null) {
                env.put(name, v);
            }
        }
        env.putAll(options.get(ENV));
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }
}
