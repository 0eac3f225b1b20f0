package dev.portd.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code [discovery]} table beyond its keys' types and ranges ({@link CommonOptions#DISCOVERY},
 * checked by the loader): the shapes of a connect string, a znode path, a host name and an auth.
 */
final class DiscoveryTable {
    /** One {@code host:port} of a connect string; ZooKeeper also takes a chroot after the last one. */
    private static final Pattern SERVER = Pattern.compile("[A-Za-z0-9._\\-]+:(\\d{1,5})|\\[[0-9A-Fa-f:.]+\\]:(\\d{1,5})");
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._\\-]+)+");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,254}");

    /** Reports one problem: the dotted key, the value (or null) and the rule. */
    interface Problems {
        void add(String path, JsonNode value, String message);
    }

    private DiscoveryTable() {
    }

    /**
     * The config from the table's typed {@code values}, or null when something is wrong (each
     * reported); {@code node} is the table, for the values shown in messages.
     */
    static DiscoveryConfig read(Map<String, Object> values, JsonNode node, Problems problems) {
        int[] count = {0};
        Problems counted = (p, v, m) -> {
            count[0]++;
            problems.add(p, v, m);
        };
        String connect = connect((String) values.get("zookeeper"), node.get("zookeeper"), counted);
        String basePath = (String) values.getOrDefault("base_path", DiscoveryConfig.DEFAULT_BASE_PATH);
        if (!PATH.matcher(basePath).matches()) {
            counted.add("discovery.base_path", node.get("base_path"),
                    "must be an absolute znode path such as \"/portd\" (letters, digits, . _ -; no trailing /)");
        }
        String hostName = (String) values.get("host_name");
        if (hostName == null) {
            hostName = machineName();
        } else if (!HOST_NAME.matcher(hostName).matches()) {
            counted.add("discovery.host_name", node.get("host_name"), "must be a name such as \"web-3\" (letters, digits, . _ -)");
        }
        Duration session = (Duration) values.getOrDefault("session_timeout", DiscoveryConfig.DEFAULT_SESSION_TIMEOUT);
        String auth = auth(values, node, counted);
        return count[0] > 0 || node.size() != values.size() ? null
                : new DiscoveryConfig(connect, basePath, hostName, session, auth);
    }

    private static String connect(String text, JsonNode v, Problems problems) {
        String rule = "must be a ZooKeeper connect string such as \"10.0.0.1:2181,10.0.0.2:2181\" (host:port, comma-separated)";
        if (v == null) {
            problems.add("discovery.zookeeper", null, "missing; " + rule);
            return null;
        }
        if (text == null) {
            return null;   // its type was wrong, and said so
        }
        if (text.isBlank()) {
            problems.add("discovery.zookeeper", v, rule);
            return null;
        }
        text = text.strip();
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

    private static String auth(Map<String, Object> values, JsonNode node, Problems problems) {
        String rule = "must be \"digest:user:password\"";
        if (node.has("auth") && node.has("auth_file")) {
            problems.add("discovery.auth_file", node.get("auth_file"), "give auth or auth_file, not both");
            return null;
        }
        String key = values.containsKey("auth") ? "auth" : values.containsKey("auth_file") ? "auth_file" : null;
        if (key == null) {
            return null;
        }
        String text;
        if (key.equals("auth_file")) {
            try {
                text = Files.readString((Path) values.get(key), StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                problems.add("discovery.auth_file", node.get(key), "cannot read it: " + e.getMessage());
                return null;
            }
        } else {
            text = (String) values.get(key);
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
