package dev.portd.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.portd.ports.Cidr;
import dev.portd.ports.Protocol;
import dev.portd.service.KindCheck;
import dev.portd.service.KindRule;
import dev.portd.service.Option;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads a TOML host config into records: every key checked against its declared {@link Option}
 * (type, range), every kind's own {@link KindRule} and {@link KindCheck} run, every problem reported
 * at once with file:line, key, value and what is allowed. The one validation both {@code portd check} and
 * {@code portd serve} go through. The kinds it knows are handed in (the table lives in
 * {@code service/ServiceKinds}, chosen by the composition root).
 */
public final class ConfigLoader {
    /** Where the default config sits in the jar (copied there from config/portd.toml by the build). */
    public static final String DEFAULT_RESOURCE = "/dev/portd/portd.toml";
    public static final String DEFAULT_SOURCE = "<built-in config/portd.toml>";
    /** A config is a page of text; 1 MiB is a thousand times the default and bounds what we read. */
    public static final int MAX_CONFIG_BYTES = 1 << 20;

    /**
     * What a config leaves out: a service without {@code port} gets its kind's port (serve) or a
     * free one (embedded hosts and tests), and a host without {@code bind} listens on every address
     * (serve) or on {@code bind} (embedded: loopback).
     */
    public record Defaults(boolean freePorts, List<InetAddress> bind) {
        public static final Defaults SERVE = new Defaults(false, List.of());
        public static final Defaults EMBEDDED = new Defaults(true, List.of(InetAddress.getLoopbackAddress()));
    }

    private final String source;
    private final KeyLines lines;
    private final List<ServiceKind> kinds;
    private final Defaults defaults;
    /** Problems with their line (0: none), reported in line order. */
    private final List<Map.Entry<Integer, String>> problems = new ArrayList<>();

    private ConfigLoader(String source, String text, List<ServiceKind> kinds, Defaults defaults) {
        this.source = source;
        this.lines = new KeyLines(text);
        this.kinds = List.copyOf(kinds);
        this.defaults = defaults;
    }

    /** Reads and checks a config file: a regular file of UTF-8 text, at most {@link #MAX_CONFIG_BYTES}. */
    public static HostConfig load(Path file, List<ServiceKind> kinds) {
        return parse(read(file), file.toString(), kinds, Defaults.SERVE);
    }

    /** The default config: every built-in service on its well-known port. */
    public static HostConfig loadDefault(List<ServiceKind> kinds) {
        return parse(defaultText(), DEFAULT_SOURCE, kinds, Defaults.SERVE);
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

    /**
     * The text of a config file, refusing at once (without reading it into memory) a directory, a
     * FIFO, a device, a file over 1 MiB, and bytes that are not UTF-8.
     */
    static String read(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw refused(file + ": no such file; give an existing config with --config, "
                    + "or leave --config out to use the built-in one");
        } catch (IOException e) {
            throw refused(file + ": cannot read: " + e.getMessage());
        }
        if (attributes.isDirectory()) {
            throw refused(file + ": is a directory; give a config file (TOML), e.g. --config config/portd.toml");
        }
        if (!attributes.isRegularFile()) {
            throw refused(file + ": is not a regular file (a FIFO, socket or device); give a config file (TOML)");
        }
        if (attributes.size() > MAX_CONFIG_BYTES) {
            throw refused(file + ": is " + attributes.size() + " bytes; a config may be at most 1 MiB ("
                    + MAX_CONFIG_BYTES + " bytes)");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);   // the file may have grown since the stat
        } catch (AccessDeniedException e) {
            throw refused(file + ": cannot read: permission denied");
        } catch (IOException e) {
            throw refused(file + ": cannot read: " + e.getMessage());
        }
        if (bytes.length > MAX_CONFIG_BYTES) {
            throw refused(file + ": is over 1 MiB; a config may be at most " + MAX_CONFIG_BYTES + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int at = firstBadByte(bytes);
            throw refused(file + ": is not UTF-8 text (a bad byte at offset " + at + "); "
                    + "a config is TOML, which is UTF-8");
        }
    }

    private static int firstBadByte(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        var out = java.nio.CharBuffer.allocate(bytes.length + 1);
        var result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : bytes.length;
    }

    private static ConfigException refused(String problem) {
        return new ConfigException(List.of(problem));
    }

    /** Parses and checks config text with the defaults of {@code portd serve}. */
    public static HostConfig parse(String text, String source, List<ServiceKind> kinds) {
        return parse(text, source, kinds, Defaults.SERVE);
    }

    /** Parses and checks config text; {@code source} names it in messages. */
    public static HostConfig parse(String text, String source, List<ServiceKind> kinds, Defaults defaults) {
        ConfigLoader loader = new ConfigLoader(source, text, kinds, defaults);
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? source : source + ":" + at.getLineNr();
            throw refused(where + ": not valid TOML: " + e.getOriginalMessage());
        } catch (RuntimeException e) {   // the parser's own limits (nesting, number length) and its bugs
            throw refused(source + ": not valid TOML: " + e.getMessage());
        }
        HostConfig config = loader.host(root == null ? new TomlMapper().createObjectNode() : root);
        if (!loader.problems.isEmpty()) {
            throw new ConfigException(loader.problems.stream()
                    .sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList());
        }
        return config;
    }

    private HostConfig host(JsonNode root) {
        unknownKeys(root, "", Set.of("host", "services", "discovery"));
        Map<String, Object> host = values(root.path("host"), "host", CommonOptions.HOST);
        Duration grace = get(host, CommonOptions.GRACE);
        List<InetAddress> bind = host.containsKey("bind") ? get(host, CommonOptions.HOST_BIND) : defaults.bind();
        String transport = get(host, CommonOptions.TRANSPORT);
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
        Set<Integer> loopPorts = kinds.stream().filter(ServiceKind::answersAnyDatagram)
                .map(ServiceKind::defaultPort).collect(Collectors.toUnmodifiableSet());
        DiscoveryConfig discovery = null;
        if (root.has("discovery")) {
            Map<String, Object> found = values(root.get("discovery"), "discovery", CommonOptions.DISCOVERY);
            discovery = root.get("discovery").isObject() ? DiscoveryTable.read(found, root.get("discovery"), this::problem)
                    : null;
        }
        HostConfig config = new HostConfig(source, grace, bind, transport, services, loopPorts, discovery,
                get(host, CommonOptions.CONTROL_SOCKET));
        checkConflicts(config);
        return config;
    }

    private ServiceConfig service(String name, JsonNode node) {
        String at = "services." + name;
        if (!table(node, at)) {
            return null;
        }
        ServiceKind kind = kind(name, node, at);
        List<Option<?>> allowed = new ArrayList<>(CommonOptions.SERVICE);
        if (kind != null) {
            allowed.addAll(kind.options());
        }
        if (kind == null && !node.has("kind")) {
            return null;   // nothing more can be said of a table whose kind is unknown
        }
        Map<String, Object> common = values(node, at, kind == null ? CommonOptions.SERVICE : allowed);
        if (kind == null || !(Boolean) get(common, CommonOptions.ENABLED)) {
            return null;
        }
        int port = common.containsKey("port") ? get(common, CommonOptions.PORT)
                : defaults.freePorts() ? 0 : kind.defaultPort();
        if (!common.containsKey("port") && kind.defaultPort() == 0 && !defaults.freePorts()) {
            problem(at + ".port", node, "is required: a " + kind.name() + " service has no well-known port");
        }
        // a kind without a well-known port (exec, forward) serves TCP unless protocols says otherwise
        Set<Protocol> protocols = kind.defaultPort() == 0 && kind.protocols().contains(Protocol.TCP)
                ? Set.of(Protocol.TCP) : kind.protocols();
        if (common.containsKey("protocols")) {
            protocols = protocols(get(common, CommonOptions.PROTOCOLS), node.get("protocols"), at, kind);
        }
        Limits limits = new Limits(get(common, CommonOptions.MAX_CONNECTIONS), get(common, CommonOptions.PER_SOURCE),
                get(common, CommonOptions.IDLE_TIMEOUT), get(common, CommonOptions.ALLOW),
                get(common, CommonOptions.DENY), get(common, CommonOptions.UDP_REPLIES_PER_SECOND),
                get(common, CommonOptions.UDP_LIMIT_ALL));
        Map<String, Object> own = new LinkedHashMap<>();
        for (Option<?> o : kind.options()) {
            if (common.containsKey(o.key())) {
                own.put(o.key(), common.get(o.key()));
            }
        }
        ServiceOptions options = new ServiceOptions(own);
        KindCheck.Problems found = (option, message) -> problem(at + "." + option.key(), node.get(option.key()), message);
        kind.rule().check(options, protocols, found);
        kind.check().check(options, found);
        List<InetAddress> bind = get(common, CommonOptions.BIND);
        return new ServiceConfig(name, kind, port, protocols, bind, limits, options);
    }

    /** Reads every key of a table that one of {@code options} declares; the rest are unknown keys. */
    private Map<String, Object> values(JsonNode node, String at, List<Option<?>> options) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (node.isMissingNode() || !table(node, at)) {
            return values;
        }
        unknownKeys(node, at, options.stream().map(Option::key).toList());
        for (Option<?> o : options) {
            JsonNode value = node.get(o.key());
            if (value == null && o.isRequired()) {
                problem(at + "." + o.key(), node, "is required: " + o.meaning());
            }
            if (value == null || o == CommonOptions.KIND) {
                continue;
            }
            OptionReader.Read read = OptionReader.read(o, value);
            if (read.problem() != null) {
                problem(at + "." + o.key(), value, read.problem());
            } else {
                values.put(o.key(), read.value());
            }
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    private static <T> T get(Map<String, Object> values, Option<T> option) {
        Object v = values.get(option.key());
        return v == null ? option.defaultValue() : (T) v;
    }

    private ServiceKind kind(String name, JsonNode node, String at) {
        String known = kinds.stream().map(ServiceKind::name).collect(Collectors.joining(", "));
        if (!node.has("kind")) {
            ServiceKind kind = find(name);
            if (kind == null) {
                problem(at, null, "no kind given and \"" + name + "\" is not a kind; add kind = \"...\" (one of: "
                        + known + ")");
            }
            return kind;
        }
        JsonNode value = node.get("kind");
        ServiceKind kind = value.isTextual() ? find(value.asText()) : null;
        if (kind == null) {
            String hint = value.isTextual() ? Suggest.closest(value.asText(),
                    kinds.stream().map(ServiceKind::name).toList()) : null;
            problem(at + ".kind", value, "unknown kind; " + (hint == null ? "" : "did you mean \"" + hint + "\"? ")
                    + "use one of: " + known);
        }
        return kind;
    }

    private ServiceKind find(String name) {
        for (ServiceKind k : kinds) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        return null;
    }

    private Set<Protocol> protocols(List<String> names, JsonNode value, String at, ServiceKind kind) {
        Set<Protocol> result = EnumSet.noneOf(Protocol.class);
        for (String name : names) {
            Protocol p = Protocol.parse(name);
            if (!kind.protocols().contains(p)) {
                problem(at + ".protocols", value, kind.name() + " does not serve " + p.label() + "; it serves "
                        + kind.protocols().stream().map(Protocol::label).sorted().collect(Collectors.joining(" and ")));
            } else {
                result.add(p);
            }
        }
        return result.isEmpty() ? kind.protocols() : result;
    }

    /** Two listeners on the same protocol and port collide when their addresses overlap. */
    private void checkConflicts(HostConfig config) {
        List<PlannedListener> plan = config.plan();
        Set<String> reported = new TreeSet<>();
        for (int i = 0; i < plan.size(); i++) {
            for (int j = 0; j < i; j++) {
                PlannedListener a = plan.get(j);
                PlannedListener b = plan.get(i);
                if (a.port() == 0 || a.port() != b.port() || a.protocol() != b.protocol()
                        || a.service() == b.service() || !overlap(a.address().getAddress(), b.address().getAddress())) {
                    continue;
                }
                String message = b.protocol().label() + "/" + b.port() + " is already served by services."
                        + a.name() + "; choose another port or protocol";
                if (reported.add(b.name() + message)) {
                    problem("services." + b.name() + ".port", null, message);
                }
            }
        }
    }

    /** Two addresses collide when either is "every address" or they are the same. */
    private static boolean overlap(InetAddress a, InetAddress b) {
        return a.isAnyLocalAddress() || b.isAnyLocalAddress() || Cidr.unmapped(a).equals(Cidr.unmapped(b));
    }

    // ---- tables and keys ----

    private boolean table(JsonNode node, String at) {
        if (node.isObject()) {
            return true;
        }
        problem(at, node, "must be a table, e.g. [" + at + "]");
        return false;
    }

    private void unknownKeys(JsonNode node, String at, Collection<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                String path = at.isEmpty() ? key : at + "." + key;
                String hint = Suggest.closest(key, allowed);
                problem(path, null, "unknown key; " + (hint == null ? "" : "did you mean " + hint + "? ")
                        + "allowed here: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    private void problem(String path, JsonNode value, String message) {
        int line = lines.line(path);
        String where = line > 0 ? source + ":" + line : source;
        String shown = value == null ? path : path + " = " + value;
        problems.add(Map.entry(line, where + ": " + shown + ": " + message));
    }
}
