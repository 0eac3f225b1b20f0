package dev.portd.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.portd.discovery.DiscoveryConfig;
import dev.portd.service.OptionSpec;
import dev.portd.service.Protocol;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceKinds;
import dev.portd.service.ServiceOptions;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads a TOML host config into records, checking every key and value and reporting all problems
 * at once. The format is in the README; {@code config/portd.toml} is the default, also shipped in
 * the jar.
 */
public final class ConfigLoader {
    /** Where the default config sits in the jar (copied there from config/portd.toml by the build). */
    public static final String DEFAULT_RESOURCE = "/dev/portd/portd.toml";
    public static final String DEFAULT_SOURCE = "<built-in config/portd.toml>";

    static final Set<String> HOST_KEYS = Set.of("grace", "bind", "transport");
    static final Set<String> TRANSPORTS = Set.of("auto", "epoll", "io_uring", "nio");
    static final List<String> SERVICE_KEYS = List.of("kind", "port", "protocols", "bind", "enabled",
            "max_connections", "per_source", "idle_timeout", "allow", "deny", "udp_replies_per_second");

    private final String source;
    private final KeyLines lines;
    /** Problems with their line (0: none), reported in line order. */
    private final List<Map.Entry<Integer, String>> problems = new ArrayList<>();

    private ConfigLoader(String source, String text) {
        this.source = source;
        this.lines = new KeyLines(text);
    }

    /** Reads and checks a config file. */
    public static HostConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(file + ": no such file; give an existing config with --config, "
                    + "or leave --config out to use the built-in one"));
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read: " + e.getMessage()));
        }
        return parse(text, file.toString());
    }

    /** The default config: every classic service on its well-known port, TCP and UDP. */
    public static HostConfig loadDefault() {
        return parse(defaultText(), DEFAULT_SOURCE);
    }

    /** The text of the default config, as shipped in the jar. */
    public static String defaultText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + DEFAULT_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /** Parses and checks config text; {@code source} names it in messages. */
    public static HostConfig parse(String text, String source) {
        ConfigLoader loader = new ConfigLoader(source, text);
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? source : source + ":" + at.getLineNr();
            throw new ConfigException(List.of(where + ": not valid TOML: " + e.getOriginalMessage()));
        }
        HostConfig config = loader.host(root == null ? new TomlMapper().createObjectNode() : root);
        if (!loader.problems.isEmpty()) {
            throw new ConfigException(loader.problems.stream()
                    .sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList());
        }
        return config;
    }

    private HostConfig host(JsonNode root) {
        Duration grace = HostConfig.DEFAULT_GRACE;
        List<InetAddress> bind = List.of();
        String transport = "auto";
        unknownKeys(root, "", Set.of("host", "services", "discovery"));
        JsonNode host = root.path("host");
        if (!host.isMissingNode() && table(host, "host")) {
            unknownKeys(host, "host", HOST_KEYS);
            if (host.has("grace")) {
                grace = duration(host.get("grace"), "host.grace", grace);
            }
            if (host.has("bind")) {
                bind = addresses(host.get("bind"), "host.bind");
            }
            if (host.has("transport")) {
                transport = oneOf(host.get("transport"), "host.transport", TRANSPORTS, transport);
            }
        }
        List<ServiceConfig> services = new ArrayList<>();
        JsonNode table = root.path("services");
        if (!table.isMissingNode() && table(table, "services")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ServiceConfig s = service(e.getKey(), e.getValue());
                if (s != null) {
                    services.add(s);
                }
            }
        }
        if (services.isEmpty() && problems.isEmpty()) {
            problem("services", null, "no service is configured; add one, e.g. [services.echo] with port = 7");
        }
        checkConflicts(services, bind);
        DiscoveryConfig discovery = root.has("discovery") ? DiscoveryTable.read(root.get("discovery"), this::problem) : null;
        return new HostConfig(source, grace, bind, transport, services, discovery);
    }

    private ServiceConfig service(String name, JsonNode node) {
        String at = "services." + name;
        if (!table(node, at)) {
            return null;
        }
        ServiceKind kind = kind(name, node, at);
        List<String> allowed = new ArrayList<>(SERVICE_KEYS);
        if (kind != null) {
            kind.options().forEach(o -> allowed.add(o.key()));
        }
        if (kind != null || node.has("kind")) {
            unknownKeys(node, at, allowed);
        }
        if (node.has("enabled") && !bool(node.get("enabled"), at + ".enabled", true)) {
            return null;
        }
        int port = kind == null ? 0 : kind.defaultPort();
        if (node.has("port")) {
            port = (int) integer(node.get("port"), at + ".port", 0, 65535, port,
                    "must be 1..65535, or 0 for a free port chosen at start");
        }
        Set<Protocol> protocols = kind == null ? Set.of() : kind.protocols();
        if (node.has("protocols")) {
            protocols = protocols(node.get("protocols"), at + ".protocols", kind);
        }
        List<InetAddress> bind = node.has("bind") ? addresses(node.get("bind"), at + ".bind") : List.of();
        Limits limits = limits(node, at);
        if (kind == null) {
            return null;
        }
        ServiceOptions options = options(node, at, kind);
        return new ServiceConfig(name, kind, port, protocols, bind, limits, options);
    }

    private ServiceKind kind(String name, JsonNode node, String at) {
        String known = ServiceKinds.all().stream().map(ServiceKind::name).collect(Collectors.joining(", "));
        if (!node.has("kind")) {
            ServiceKind kind = ServiceKinds.find(name);
            if (kind == null) {
                problem(at, null, "no kind given and \"" + name + "\" is not a kind; add kind = \"...\" (one of: "
                        + known + ")");
            }
            return kind;
        }
        JsonNode value = node.get("kind");
        ServiceKind kind = value.isTextual() ? ServiceKinds.find(value.asText()) : null;
        if (kind == null) {
            problem(at + ".kind", value, "unknown kind; use one of: " + known);
        }
        return kind;
    }

    private Limits limits(JsonNode node, String at) {
        Limits d = Limits.DEFAULT;
        int max = (int) optionalInt(node, at, "max_connections", 0, 10_000_000, d.maxConnections());
        int perSource = (int) optionalInt(node, at, "per_source", 0, 10_000_000, d.perSource());
        int udp = (int) optionalInt(node, at, "udp_replies_per_second", 0, 100_000_000, d.udpRepliesPerSecond());
        Duration idle = node.has("idle_timeout")
                ? duration(node.get("idle_timeout"), at + ".idle_timeout", d.idleTimeout()) : d.idleTimeout();
        List<Cidr> allow = node.has("allow") ? ranges(node.get("allow"), at + ".allow") : d.allow();
        List<Cidr> deny = node.has("deny") ? ranges(node.get("deny"), at + ".deny") : d.deny();
        return new Limits(max, perSource, idle, allow, deny, udp);
    }

    private long optionalInt(JsonNode node, String at, String key, long min, long max, long fallback) {
        if (!node.has(key)) {
            return fallback;
        }
        return integer(node.get(key), at + "." + key, min, max, fallback,
                "must be an integer " + min + ".." + max + " (0: no limit)");
    }

    private ServiceOptions options(JsonNode node, String at, ServiceKind kind) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (OptionSpec spec : kind.options()) {
            JsonNode value = node.get(spec.key());
            if (value == null) {
                continue;
            }
            String path = at + "." + spec.key();
            Object parsed = switch (spec.type()) {
                case STRING, PATH -> value.isTextual() ? value.asText() : null;
                case INTEGER -> value.isIntegralNumber() ? value.asLong() : null;
                case BOOLEAN -> value.isBoolean() ? value.asBoolean() : null;
                case DURATION -> value.isTextual() ? Durations.parse(value.asText()) : null;
                case STRING_LIST -> strings(value);
            };
            if (parsed == null) {
                problem(path, value, "must be " + spec.type().expected() + ": " + spec.description());
            } else {
                values.put(spec.key(), parsed);
            }
        }
        return new ServiceOptions(values);
    }

    private void checkConflicts(List<ServiceConfig> services, List<InetAddress> hostBind) {
        for (int i = 0; i < services.size(); i++) {
            for (int j = 0; j < i; j++) {
                ServiceConfig a = services.get(j);
                ServiceConfig b = services.get(i);
                if (a.port() == 0 || a.port() != b.port() || !overlap(effective(a, hostBind), effective(b, hostBind))) {
                    continue;
                }
                for (Protocol p : Protocol.values()) {
                    if (a.protocols().contains(p) && b.protocols().contains(p)) {
                        problem("services." + b.name() + ".port", null, p.label() + "/" + b.port()
                                + " is already served by services." + a.name() + "; choose another port or protocol");
                    }
                }
            }
        }
    }

    private static List<InetAddress> effective(ServiceConfig s, List<InetAddress> hostBind) {
        return s.bind().isEmpty() ? hostBind : s.bind();
    }

    /** Two bind sets collide when either is "every address" or they share one. */
    private static boolean overlap(List<InetAddress> a, List<InetAddress> b) {
        if (a.isEmpty() || b.isEmpty() || a.stream().anyMatch(InetAddress::isAnyLocalAddress)
                || b.stream().anyMatch(InetAddress::isAnyLocalAddress)) {
            return true;
        }
        return a.stream().anyMatch(b::contains);
    }

    // ---- values ----

    private boolean table(JsonNode node, String at) {
        if (node.isObject()) {
            return true;
        }
        problem(at, node, "must be a table, e.g. [" + at + "]");
        return false;
    }

    private void unknownKeys(JsonNode node, String at, java.util.Collection<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                String path = at.isEmpty() ? key : at + "." + key;
                problem(path, null, "unknown key; allowed here: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    private long integer(JsonNode value, String at, long min, long max, long fallback, String rule) {
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            problem(at, value, rule);
            return fallback;
        }
        return value.asLong();
    }

    private boolean bool(JsonNode value, String at, boolean fallback) {
        if (!value.isBoolean()) {
            problem(at, value, "must be true or false");
            return fallback;
        }
        return value.asBoolean();
    }

    private Duration duration(JsonNode value, String at, Duration fallback) {
        Duration d = value.isTextual() ? Durations.parse(value.asText()) : null;
        if (d == null) {
            problem(at, value, "must be a duration such as \"5s\", \"250ms\", \"10m\" or \"1h\"");
            return fallback;
        }
        return d;
    }

    private String oneOf(JsonNode value, String at, Set<String> allowed, String fallback) {
        if (!value.isTextual() || !allowed.contains(value.asText())) {
            problem(at, value, "must be one of: " + String.join(", ", new TreeSet<>(allowed)));
            return fallback;
        }
        return value.asText();
    }

    private Set<Protocol> protocols(JsonNode value, String at, ServiceKind kind) {
        List<String> names = strings(value);
        Set<Protocol> result = EnumSet.noneOf(Protocol.class);
        if (names == null || names.isEmpty()) {
            problem(at, value, "must be a list of \"tcp\" and \"udp\", e.g. [\"tcp\", \"udp\"]");
            return kind == null ? Set.of() : kind.protocols();
        }
        for (String name : names) {
            Protocol p = Protocol.parse(name);
            if (p == null) {
                problem(at, value, "\"" + name + "\" is not a protocol; use \"tcp\" or \"udp\"");
            } else if (kind != null && !kind.protocols().contains(p)) {
                problem(at, value, kind.name() + " does not serve " + p.label() + "; it serves "
                        + kind.protocols().stream().map(Protocol::label).sorted().collect(Collectors.joining(" and ")));
            } else {
                result.add(p);
            }
        }
        return result.isEmpty() && kind != null ? kind.protocols() : result;
    }

    private List<InetAddress> addresses(JsonNode value, String at) {
        List<String> texts = strings(value);
        List<InetAddress> result = new ArrayList<>();
        if (texts == null) {
            problem(at, value, "must be an IP address or a list of them, e.g. \"127.0.0.1\" or [\"127.0.0.1\", \"::1\"]");
            return result;
        }
        for (String text : texts) {
            InetAddress a = NetUtil.createInetAddressFromIpAddressString(text.strip());
            if (a == null) {
                problem(at, value, "\"" + text + "\" is not an IP address; use e.g. \"127.0.0.1\", \"::1\" or \"::\" for all");
            } else {
                result.add(a);
            }
        }
        return result;
    }

    private List<Cidr> ranges(JsonNode value, String at) {
        List<String> texts = strings(value);
        List<Cidr> result = new ArrayList<>();
        if (texts == null) {
            problem(at, value, "must be a list of addresses or CIDR ranges, e.g. [\"10.0.0.0/8\", \"::1\"]");
            return result;
        }
        for (String text : texts) {
            try {
                result.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                problem(at, value, e.getMessage());
            }
        }
        return result;
    }

    /** A string or an array of strings as a list; null for anything else. */
    private static List<String> strings(JsonNode value) {
        if (value.isTextual()) {
            return List.of(value.asText());
        }
        if (!value.isArray()) {
            return null;
        }
        List<String> result = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                return null;
            }
            result.add(item.asText());
        }
        return result;
    }

    private void problem(String path, JsonNode value, String message) {
        int line = lines.line(path);
        String where = line > 0 ? source + ":" + line : source;
        String shown = value == null ? path : path + " = " + value;
        problems.add(Map.entry(line, where + ": " + shown + ": " + message));
    }
}
