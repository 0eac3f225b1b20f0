package dev.portd.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portd.discovery.DiscoveryConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads the {@code [discovery]} table into a {@link DiscoveryConfig}, reporting each problem by key. */
final class DiscoveryTable {
    static final Set<String> KEYS = Set.of("zookeeper", "base_path", "host_name", "session_timeout", "auth", "auth_file");
    /** One {@code host:port} of a connect string; ZooKeeper also takes a chroot after the last one. */
    private static final Pattern SERVER = Pattern.compile("[A-Za-z0-9._\\-]+:(\\d{1,5})|\\[[0-9A-Fa-f:.]+\\]:(\\d{1,5})");
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._\\-]+)+");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,254}");
    /** ZooKeeper's server clamps sessions to 2..20 ticks (4 s..40 s by default); below 1 s no ensemble grants it. */
    private static final Duration MIN_SESSION = Duration.ofSeconds(1);
    private static final Duration MAX_SESSION = Duration.ofMinutes(10);

    /** Reports one problem: the dotted key, the value (or null) and the rule. */
    interface Problems {
        void add(String path, JsonNode value, String message);
    }

    private DiscoveryTable() {
    }

    /** The table's config, or null when it has problems (each reported). */
    static DiscoveryConfig read(JsonNode node, Problems problems) {
        if (!node.isObject()) {
            problems.add("discovery", node, "must be a table, e.g. [discovery] with zookeeper = \"10.0.0.1:2181\"");
            return null;
        }
        int[] count = {0};
        Problems counted = (p, v, m) -> {
            count[0]++;
            problems.add(p, v, m);
        };
        node.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                counted.add("discovery." + key, null, "unknown key; allowed here: " + String.join(", ", new TreeSet<>(KEYS)));
            }
        });
        String connect = connect(node.get("zookeeper"), counted);
        String basePath = DiscoveryConfig.DEFAULT_BASE_PATH;
        if (node.has("base_path")) {
            JsonNode v = node.get("base_path");
            if (v.isTextual() && PATH.matcher(v.asText()).matches()) {
                basePath = v.asText();
            } else {
                counted.add("discovery.base_path", v, "must be an absolute znode path such as \"/portd\" (letters, digits, . _ -; no trailing /)");
            }
        }
        String hostName = machineName();
        if (node.has("host_name")) {
            JsonNode v = node.get("host_name");
            if (v.isTextual() && HOST_NAME.matcher(v.asText()).matches()) {
                hostName = v.asText();
            } else {
                counted.add("discovery.host_name", v, "must be a name such as \"web-3\" (letters, digits, . _ -)");
            }
        }
        Duration session = DiscoveryConfig.DEFAULT_SESSION_TIMEOUT;
        if (node.has("session_timeout")) {
            JsonNode v = node.get("session_timeout");
            Duration d = v.isTextual() ? Durations.parse(v.asText()) : null;
            if (d == null || d.compareTo(MIN_SESSION) < 0 || d.compareTo(MAX_SESSION) > 0) {
                counted.add("discovery.session_timeout", v, "must be a duration from 1s to 10m, e.g. \"15s\"");
            } else {
                session = d;
            }
        }
        String auth = auth(node, counted);
        return count[0] > 0 ? null : new DiscoveryConfig(connect, basePath, hostName, session, auth);
    }

    private static String connect(JsonNode v, Problems problems) {
        String rule = "must be a ZooKeeper connect string such as \"10.0.0.1:2181,10.0.0.2:2181\" (host:port, comma-separated)";
        if (v == null) {
            problems.add("discovery.zookeeper", null, "missing; " + rule);
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            problems.add("discovery.zookeeper", v, rule);
            return null;
        }
        String text = v.asText().strip();
        int slash = text.indexOf('/');
        String servers = slash < 0 ? text : text.substring(0, slash);
        if (slash >= 0 && !PATH.matcher(text.substring(slash)).matches()) {
            problems.add("discovery.zookeeper", v, "the chroot after the servers must be a path such as /cluster1");
            return null;
        }
        for (String server : servers.split(",")) {
            var m = SERVER.matcher(server.strip());
            if (!m.matches()) {
                problems.add("discovery.zookeeper", v, "\"" + server.strip() + "\": " + rule);
                return null;
            }
            int port = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
            if (port < 1 || port > 65535) {
                problems.add("discovery.zookeeper", v, "\"" + server.strip() + "\": port must be 1..65535");
                return null;
            }
        }
        return text;
    }

    private static String auth(JsonNode node, Problems problems) {
        String rule = "must be \"digest:user:password\"";
        if (node.has("auth") && node.has("auth_file")) {
            problems.add("discovery.auth_file", node.get("auth_file"), "give auth or auth_file, not both");
            return null;
        }
        String key = node.has("auth") ? "auth" : node.has("auth_file") ? "auth_file" : null;
        if (key == null) {
            return null;
        }
        JsonNode v = node.get(key);
        if (!v.isTextual()) {
            problems.add("discovery." + key, v, key.equals("auth") ? rule : "must be the path of a file holding " + rule.substring(8));
            return null;
        }
        String text = v.asText();
        if (key.equals("auth_file")) {
            try {
                text = Files.readString(Path.of(text), StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                problems.add("discovery.auth_file", v, "cannot read it: " + e.getMessage());
                return null;
            }
        }
        String[] parts = text.split(":", 3);
        if (parts.length != 3 || !parts[0].equals("digest") || parts[1].isEmpty() || parts[2].isEmpty()) {
            // never echo a secret back: name the key, not its value
            problems.add("discovery." + key, null, (key.equals("auth_file") ? "the file " : "") + rule);
            return null;
        }
        return text;
    }

    /** The kernel's host name, else what the resolver says, else "localhost". */
    static String machineName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
