package dev.portd.xinetd;

import dev.portd.ports.Cidr;
import dev.portd.xinetd.XinetdConfig.Section;
import io.netty.util.NetUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Turns xinetd services into portd's TOML: built-ins ({@code type = INTERNAL}) become portd's kinds,
 * {@code server} + {@code server_args} an {@code exec} service's {@code command}, {@code redirect}
 * a {@code forward}. Each service gets a comment saying where it came from; each attribute portd
 * does not map gets a {@code # warning:} line saying why. What it writes always passes
 * {@code portd check}: a service that cannot run here as written (its server missing, a user only
 * root may switch to) is written with {@code enabled = false} and a warning.
 */
public final class XinetdToToml {
    /** xinetd's built-ins that portd has as kinds of the same name (xinetd's builtins.c). */
    static final Set<String> BUILT_INS = Set.of("echo", "discard", "daytime", "chargen", "time");

    /** Attributes read elsewhere in this class. */
    private static final Set<String> MAPPED = Set.of("type", "id", "socket_type", "protocol", "wait", "user",
            "server", "server_args", "port", "redirect", "only_from", "no_access", "instances", "per_source", "bind",
            "interface", "env", "passenv", "disable", "flags");

    /** Why an attribute is not mapped. */
    private static final Map<String, String> UNMAPPED = Map.ofEntries(
            Map.entry("cps", "portd has no connection-rate back-off; max_connections and per_source limit load"),
            Map.entry("access_times", "portd has no time windows"),
            Map.entry("banner", "portd sends no banners"),
            Map.entry("banner_success", "portd sends no banners"),
            Map.entry("banner_fail", "portd sends no banners"),
            Map.entry("log_type", "portd logs through its own log (logback), not per service"),
            Map.entry("log_on_success", "portd logs every program's exit and counts traffic on its dashboard"),
            Map.entry("log_on_failure", "portd logs refusals (rate-limited) and counts them on its dashboard"),
            Map.entry("max_load", "portd has no load-average limit"),
            Map.entry("group", "the program runs with the user's own groups (setpriv --init-groups)"),
            Map.entry("groups", "the program runs with the user's own groups (setpriv --init-groups)"),
            Map.entry("umask", "no umask setting; wrap the command in sh -c 'umask N; exec ...'"),
            Map.entry("nice", "no nice setting; wrap the command in /usr/bin/nice"),
            Map.entry("deny_time", "portd has no SENSOR blacklist"),
            Map.entry("mdns", "portd does not register with mDNS"),
            Map.entry("v6only", "portd binds dual-stack [::] or the addresses in bind"),
            Map.entry("rpc_version", "RPC services register with portd's portmapper themselves"),
            Map.entry("rpc_number", "RPC services register with portd's portmapper themselves"),
            Map.entry("libwrap", "portd does not use tcp wrappers; use allow/deny"));

    private final BiFunction<String, String, Optional<Integer>> portOf;
    private final Predicate<String> executable;
    private final boolean root;
    private final String self;

    /**
     * @param portOf     the port of a service name and protocol (/etc/services), for services without {@code port}
     * @param executable whether a server path can be run here
     * @param root       whether portd will run as root (only root may switch user)
     * @param self       the user portd runs as
     */
    public XinetdToToml(BiFunction<String, String, Optional<Integer>> portOf, Predicate<String> executable,
                        boolean root, String self) {
        this.portOf = portOf;
        this.executable = executable;
        this.root = root;
        this.self = self;
    }

    /** The TOML for every service of {@code config}, with a header naming where it came from. */
    public String convert(XinetdConfig config, String from) {
        StringBuilder out = new StringBuilder();
        out.append("# portd config imported from xinetd: ").append(oneLine(from)).append('\n');
        out.append("# Check it with: portd check -c FILE\n");
        for (String w : config.warnings()) {
            out.append("# warning: ").append(oneLine(w)).append('\n');
        }
        Section defaults = config.defaults();
        Set<String> names = new HashSet<>();
        ImportedListeners listeners = new ImportedListeners();
        for (Section s : config.services()) {
            out.append('\n');
            service(out, s, defaults, names, listeners);
        }
        return out.toString();
    }

    /** Whether {@code server} is an executable regular file on this machine, as {@code portd check} will ask. */
    public static boolean executableHere(String server) {
        if (server.indexOf('\0') >= 0) {
            return false;   // no file has such a name (and Path.of would refuse it)
        }
        return Files.isRegularFile(Path.of(server)) && Files.isExecutable(Path.of(server));
    }

    private void service(StringBuilder out, Section s, Section defaults, Set<String> names,
                         ImportedListeners listeners) {
        List<String> warnings = new ArrayList<>();
        Map<String, String> keys = new LinkedHashMap<>();
        String id = Optional.ofNullable(s.first("id")).orElse(s.name());
        List<String> type = upper(s.values("type"));
        String protocol = protocol(s, warnings);
        out.append("# xinetd service ").append(oneLine(s.name()));
        if (!id.equals(s.name())) {
            out.append(" (id ").append(oneLine(id)).append(')');
        }
        out.append(", ").append(oneLine(s.where())).append('\n');
        String kind = kind(s, type, protocol, warnings, keys);
        if (kind == null || protocol == null) {
            for (String w : warnings) {
                out.append("# warning: ").append(oneLine(w)).append('\n');
            }
            out.append("# not imported\n");
            return;
        }
        String name = unique(id.replaceAll("[^A-Za-z0-9_-]", "-"), protocol, names);
        keys.put("kind", quote(kind));
        keys.put("protocols", "[" + quote(protocol) + "]");
        port(s, kind, protocol, warnings, keys);
        boolean enabled = enabled(s, defaults);
        limits(s, defaults, warnings, keys);
        if (kind.equals("exec")) {
            exec(s, defaults, protocol, warnings, keys);
        }
        for (String attribute : s.attributes().keySet()) {
            if (!MAPPED.contains(attribute)) {
                warnings.add(attribute + " is not mapped: " + UNMAPPED.getOrDefault(attribute,
                        attribute.startsWith("rlimit_") ? "no resource limits per program; wrap the command in prlimit(1)"
                                : "portd does not know this attribute"));
            }
        }
        for (String flag : upper(s.values("flags"))) {
            if (!flag.equals("NAMEINARGS")) {
                warnings.add("flags " + flag + " is not mapped");
            }
        }
        boolean on = keys.remove("#disable") == null && enabled;
        if (on) {
            String bind = keys.containsKey("bind") ? keys.get("bind").replace("\"", "") : null;
            String taken = listeners.take(name, kind, protocol, keys.get("port"), bind);
            if (taken != null) {
                warnings.add(taken + " (xinetd fails to bind it too); enabled = false");
                on = false;
            }
        }
        if (!on) {
            keys.put("enabled", "false");
        }
        out.append("[services.").append(name).append("]\n");
        for (String w : warnings) {
            out.append("# warning: ").append(oneLine(w)).append('\n');
        }
        keys.forEach((k, v) -> out.append(k).append(" = ").append(v).append('\n'));
    }

    private static String protocol(Section s, List<String> warnings) {
        String socketType = Optional.ofNullable(s.first("socket_type")).orElse("stream").toLowerCase(Locale.ROOT);
        String protocol = switch (socketType) {
            case "stream" -> "tcp";
            case "dgram" -> "udp";
            default -> null;
        };
        if (protocol == null) {
            warnings.add("socket_type " + socketType + ": portd serves stream (TCP) and dgram (UDP) only");
            return null;
        }
        String p = s.first("protocol");
        if (p != null && !p.equalsIgnoreCase(protocol)) {
            warnings.add("protocol " + p + " does not match socket_type " + socketType + "; " + protocol + " used");
        }
        return protocol;
    }

    private String kind(Section s, List<String> type, String protocol, List<String> warnings, Map<String, String> keys) {
        for (String t : type) {
            if (t.equals("RPC") || t.startsWith("TCPMUX")) {
                warnings.add("type " + t + " is not supported by portd");
                return null;
            }
        }
        if (type.contains("INTERNAL")) {
            String builtin = s.name().toLowerCase(Locale.ROOT);
            if (!BUILT_INS.contains(builtin)) {
                warnings.add("xinetd's built-in " + builtin + " has no portd kind (portd has echo, discard, daytime, "
                        + "chargen, time, qotd)");
                return null;
            }
            if (s.first("user") != null) {
                warnings.add("user is not mapped: built-in services run inside portd");
            }
            return builtin;
        }
        if (!s.values("redirect").isEmpty()) {
            List<String> r = s.values("redirect");
            if (r.size() != 2 || !r.get(1).matches("\\d{1,5}") || Integer.parseInt(r.get(1)) < 1
                    || Integer.parseInt(r.get(1)) > 65535 || !r.get(0).matches("[A-Za-z0-9.:_-]+")) {
                warnings.add("redirect " + String.join(" ", r) + " is not HOST PORT");
                return null;
            }
            String host = r.get(0).contains(":") ? "[" + r.get(0) + "]" : r.get(0);
            keys.put("to", quote(host + ":" + Integer.parseInt(r.get(1))));
            if ("udp".equals(protocol)) {   // null: a socket_type portd does not serve, warned about
                warnings.add("redirect is TCP-only in xinetd; portd relays UDP too");
            }
            if (s.first("server") != null) {
                warnings.add("server is not mapped: redirect takes precedence, as in xinetd");
            }
            if (s.first("user") != null) {
                warnings.add("user is not mapped: a forward runs no program");
            }
            return "forward";
        }
        if (s.first("server") != null) {
            return "exec";
        }
        warnings.add("neither type = INTERNAL, server nor redirect: nothing to run");
        return null;
    }

    private void port(Section s, String kind, String protocol, List<String> warnings, Map<String, String> keys) {
        String p = s.first("port");
        if (p != null && p.matches("\\d{1,5}") && Integer.parseInt(p) >= 1 && Integer.parseInt(p) <= 65535) {
            keys.put("port", Integer.toString(Integer.parseInt(p)));   // xinetd reads "0570" as 570; TOML refuses it
            return;
        }
        if (p != null) {
            warnings.add("port " + p + " is not 1..65535");
        }
        if (BUILT_INS.contains(kind)) {
            return;   // the kind's well-known port
        }
        Optional<Integer> known = portOf.apply(s.name(), protocol);
        if (known.isPresent()) {
            keys.put("port", Integer.toString(known.get()));
        } else {
            warnings.add("no port: \"" + s.name() + "\" is not in /etc/services; set port and enabled");
            keys.put("port", "1");
            keys.put("#disable", "");
        }
    }

    private static boolean enabled(Section s, Section defaults) {
        String disable = s.first("disable");
        if (disable != null && disable.equalsIgnoreCase("yes")) {
            return false;
        }
        String id = Optional.ofNullable(s.first("id")).orElse(s.name());
        if (defaults.values("disabled").contains(id) || defaults.values("disabled").contains(s.name())) {
            return false;
        }
        List<String> only = defaults.values("enabled");
        return only.isEmpty() || only.contains(id) || only.contains(s.name());
    }

    private static void limits(Section s, Section defaults, List<String> warnings, Map<String, String> keys) {
        count("instances", "max_connections", s, defaults, warnings, keys);
        count("per_source", "per_source", s, defaults, warnings, keys);
        ranges("only_from", "allow", s, defaults, warnings, keys);
        ranges("no_access", "deny", s, defaults, warnings, keys);
        String bind = Optional.ofNullable(s.first("bind")).orElse(Optional.ofNullable(s.first("interface"))
                .orElse(defaults.first("bind")));
        if (bind != null) {
            if (NetUtil.isValidIpV4Address(bind) || NetUtil.isValidIpV6Address(bind)) {
                keys.put("bind", quote(bind));
            } else {
                warnings.add("bind " + bind + " is not mapped: portd binds IP addresses, not names");
            }
        }
    }

    private static void count(String attribute, String key, Section s, Section defaults, List<String> warnings,
                              Map<String, String> keys) {
        String v = Optional.ofNullable(s.first(attribute)).orElse(defaults.first(attribute));
        if (v == null || v.equalsIgnoreCase("UNLIMITED")) {
            return;
        }
        if (v.matches("\\d{1,7}")) {
            keys.put(key, v);
        } else {
            warnings.add(attribute + " " + v + " is not a number or UNLIMITED");
        }
    }

    private static void ranges(String attribute, String key, Section s, Section defaults, List<String> warnings,
                               Map<String, String> keys) {
        if (!s.attributes().containsKey(attribute) && !defaults.attributes().containsKey(attribute)) {
            return;
        }
        List<String> values = merged(attribute, s, defaults);
        List<String> cidrs = new ArrayList<>();
        for (String v : values) {
            for (String one : expand(v)) {
                String c = cidr(one);
                if (c == null) {
                    warnings.add(attribute + " " + one + " is not mapped: portd matches addresses and CIDR ranges, "
                            + "not host or network names");
                } else {
                    cidrs.add(quote(c));
                }
            }
        }
        if (cidrs.isEmpty() && key.equals("allow")) {
            warnings.add("only_from is empty: xinetd then refuses everyone; enabled = false");
            keys.put("#disable", "");
            return;
        }
        if (!cidrs.isEmpty()) {
            keys.put(key, "[" + String.join(", ", cidrs) + "]");
        }
    }

    /** An attribute's values with the defaults first: a service's {@code =} replaces them, {@code +=} adds. */
    private static List<String> merged(String attribute, Section s, Section defaults) {
        List<XinetdConfig.Attribute> both = new ArrayList<>(defaults.attributes().getOrDefault(attribute, List.of()));
        both.addAll(s.attributes().getOrDefault(attribute, List.of()));
        return new Section(s.name(), s.where(), Map.of(attribute, both)).values(attribute);
    }

    /** xinetd's factorised form {@code 10.0.{1,2}.0} as its addresses. */
    static List<String> expand(String v) {
        int open = v.indexOf('{');
        int close = v.indexOf('}');
        if (open < 0 || close < open) {
            return List.of(v);
        }
        List<String> result = new ArrayList<>();
        for (String part : v.substring(open + 1, close).split(",")) {
            if (result.size() < 256) {
                result.add(v.substring(0, open) + part.strip() + v.substring(close + 1));
            }
        }
        return result;
    }

    /** An xinetd address as CIDR: trailing zero octets of an IPv4 address are a wildcard (xinetd.conf(5)). */
    static String cidr(String v) {
        if (v.contains("/")) {
            try {
                Cidr.parse(v);
                return v;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (NetUtil.isValidIpV4Address(v)) {
            String[] o = v.split("\\.");
            int prefix = 32;
            while (prefix > 0 && o[prefix / 8 - 1].equals("0")) {
                prefix -= 8;
            }
            return prefix == 32 ? v : v + "/" + prefix;
        }
        return NetUtil.isValidIpV6Address(v) ? v : null;
    }

    private void exec(Section s, Section defaults, String protocol, List<String> warnings, Map<String, String> keys) {
        String server = s.first("server");
        List<String> command = new ArrayList<>();
        command.add(server);
        List<String> args = s.values("server_args");
        if (upper(s.values("flags")).contains("NAMEINARGS") && !args.isEmpty()) {
            warnings.add("flags NAMEINARGS: portd sets argv[0] to the server path, not " + args.get(0));
            args = args.subList(1, args.size());
        }
        command.addAll(args);
        keys.put("command", "[" + String.join(", ", command.stream().map(XinetdToToml::quote).toList()) + "]");
        boolean wait = "yes".equalsIgnoreCase(s.first("wait"));
        if (protocol.equals("tcp") && wait) {
            warnings.add("wait = yes over TCP (the program accepts) is not supported: portd starts a program per "
                    + "connection; enabled = false");
            keys.put("#disable", "");
        } else if (protocol.equals("udp") && !wait) {
            warnings.add("wait = no over UDP is not supported: portd hands the UDP socket to one program at a time; "
                    + "wait = true written");
            wait = true;
        }
        keys.put("wait", Boolean.toString(wait));
        String user = s.first("user");
        if (user != null && !user.equals(self)) {
            if (root) {
                keys.put("user", quote(user));
            } else {
                warnings.add("user " + user + " is not mapped: only root may run a program as another user, and "
                        + "portd would run as " + self);
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        List<String> envValues = merged("env", s, defaults);
        for (String kv : envValues) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                warnings.add("env " + kv + " is not NAME=VALUE");
            } else {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        if (!env.isEmpty()) {
            keys.put("env", "{ " + String.join(", ", env.entrySet().stream()
                    .map(e -> quote(e.getKey()) + " = " + quote(e.getValue())).toList()) + " }");
        }
        List<String> pass = merged("passenv", s, defaults);
        if (!pass.isEmpty()) {
            keys.put("pass_env", "[" + String.join(", ", pass.stream().map(XinetdToToml::quote).toList()) + "]");
        }
        if (!server.startsWith("/") || !executable.test(server)) {
            warnings.add("server " + server + " is not an executable absolute path here; enabled = false");
            keys.put("#disable", "");
        }
    }

    private static String unique(String base, String protocol, Set<String> names) {
        String name = base.isEmpty() ? "service" : base;
        if (names.contains(name)) {
            name = base + "-" + protocol;
        }
        String candidate = name;
        for (int i = 2; names.contains(candidate) && i < 10_000; i++) {
            candidate = name + "-" + i;
        }
        names.add(candidate);
        return candidate;
    }

    private static List<String> upper(List<String> values) {
        return values.stream().map(v -> v.toUpperCase(Locale.ROOT)).toList();
    }

    /** A TOML basic string. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (ch < 0x20 || ch == 0x7f) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** Text safe inside a TOML comment: one line, no control characters. */
    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\p{Cntrl}]", "?");
    }
}
