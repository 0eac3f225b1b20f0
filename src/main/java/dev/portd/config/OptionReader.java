package dev.portd.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portd.ports.Cidr;
import dev.portd.ports.HostPort;
import dev.portd.ports.Protocol;
import dev.portd.service.Option;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a TOML value into the typed value an {@link Option} declares, or says what is allowed:
 * the one place where an option's type and range are checked.
 */
public final class OptionReader {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*(B|KiB|MiB|GiB|TiB)?");

    private OptionReader() {
    }

    /** A value, or the reason it is refused (the text after "key = value: "). */
    record Read(Object value, String problem) {
        static Read ok(Object value) {
            return new Read(value, null);
        }

        static Read refused(String problem) {
            return new Read(null, problem);
        }
    }

    static Read read(Option<?> option, JsonNode node) {
        Object value = switch (option.type()) {
            case INTEGER -> node.isIntegralNumber() && node.canConvertToLong() ? node.asLong() : null;
            case SIZE -> size(node);
            case DURATION -> node.isTextual() ? Durations.parse(node.asText()) : null;
            case BOOLEAN -> node.isBoolean() ? node.asBoolean() : null;
            case STRING, CHOICE -> node.isTextual() ? node.asText() : null;
            case PATH -> node.isTextual() && !node.asText().isBlank() && !node.asText().contains("\0")
                    ? Path.of(node.asText()) : null;
            case STRINGS, PROTOCOLS -> strings(node);
            case ADDRESSES -> addresses(node, option);
            case RANGES -> ranges(node);
            case HOST_PORT -> hostPort(node);
            case TABLE -> table(node);
        };
        if (value instanceof Read refused) {
            return refused;
        }
        if (value == null) {
            return Read.refused("must be " + rule(option) + explained(option));
        }
        Read checked = inRange(option, value);
        return checked.problem() != null && checked.problem().startsWith("must be ")
                ? Read.refused(checked.problem() + explained(option)) : checked;
    }

    /** The option's meaning after its rule, so the line says what the key is for. */
    private static String explained(Option<?> option) {
        return option.meaning() == null ? "" : " (" + option.meaning() + ")";
    }

    private static Read inRange(Option<?> option, Object value) {
        switch (option.type()) {
            case INTEGER, SIZE -> {
                long n = (Long) value;
                if (n < option.min() || n > option.max()) {
                    return Read.refused("must be " + rule(option));
                }
                return Read.ok(option.type() == Option.Type.INTEGER ? (Object) (int) n : (Object) n);
            }
            case DURATION -> {
                long ms = ((Duration) value).toMillis();
                return ms < option.min() || ms > option.max() ? Read.refused("must be " + rule(option)) : Read.ok(value);
            }
            case CHOICE -> {
                return option.choices().contains(value) ? Read.ok(value) : Read.refused("must be " + rule(option));
            }
            case PROTOCOLS -> {
                @SuppressWarnings("unchecked")
                List<String> names = (List<String>) value;
                for (String name : names) {
                    if (Protocol.parse(name) == null) {
                        return Read.refused("\"" + name + "\" is not a protocol; use \"tcp\" or \"udp\"");
                    }
                }
                return names.isEmpty() ? Read.refused("must be " + rule(option)) : Read.ok(value);
            }
            default -> {
                return Read.ok(value);
            }
        }
    }

    /** A whole number, or a string with a binary unit; null when neither (or past 2^63). */
    private static Object size(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? node.asLong() : null;
        }
        if (!node.isTextual()) {
            return null;
        }
        Matcher m = SIZE.matcher(node.asText().strip());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            case "TiB" -> 40;
            default -> 0;
        };
        return n > (Long.MAX_VALUE >> shift) ? null : n << shift;
    }

    /** A string or an array of strings as a list; null for anything else. */
    static List<String> strings(JsonNode value) {
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
        return List.copyOf(result);
    }

    private static Object addresses(JsonNode node, Option<?> option) {
        List<String> texts = strings(node);
        if (texts == null) {
            return null;
        }
        List<InetAddress> result = new ArrayList<>();
        for (String text : texts) {
            InetAddress a = NetUtil.createInetAddressFromIpAddressString(text.strip());
            if (a == null) {
                return Read.refused("\"" + text + "\" is not an IP address; use e.g. \"127.0.0.1\", \"::1\" or \"::\" for all");
            }
            result.add(a);
        }
        return List.copyOf(result);
    }

    private static Object ranges(JsonNode node) {
        List<String> texts = strings(node);
        if (texts == null) {
            return null;
        }
        List<Cidr> result = new ArrayList<>();
        for (String text : texts) {
            try {
                result.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                return Read.refused(e.getMessage());
            }
        }
        return List.copyOf(result);
    }

    private static Object hostPort(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        try {
            return HostPort.parse(node.asText());
        } catch (IllegalArgumentException e) {
            return Read.refused(e.getMessage());
        }
    }

    /** A TOML table whose values are all strings, in the order written; null for anything else. */
    private static Object table(JsonNode node) {
        if (!node.isObject()) {
            return null;
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                return Read.refused(e.getKey() + " = " + e.getValue() + ": every value must be a string");
            }
            result.put(e.getKey(), e.getValue().asText());
        }
        return Collections.unmodifiableMap(result);
    }

    /** What a value of this option must be, e.g. {@code an integer 1..65535}. */
    public static String rule(Option<?> o) {
        return switch (o.type()) {
            case INTEGER -> "an integer " + o.min() + ".." + o.max();
            case SIZE -> "a size " + size(o.min()) + ".." + size(o.max()) + " in bytes, e.g. 65536 or \"64KiB\"";
            case DURATION -> "a duration " + Durations.format(Duration.ofMillis(o.min())) + ".."
                    + Durations.format(Duration.ofMillis(o.max())) + " such as \"250ms\", \"30s\", \"5m\" or \"1h\"";
            case BOOLEAN -> "true or false";
            case STRING -> "a string";
            case CHOICE -> "one of: " + String.join(", ", o.choices().stream().map(c -> "\"" + c + "\"").toList());
            case PATH -> "a file or directory path (a non-empty string)";
            case STRINGS -> "a string or a list of strings, e.g. [\"a\", \"b\"]";
            case ADDRESSES -> "an IP address or a list of them, e.g. \"127.0.0.1\" or [\"127.0.0.1\", \"::1\"]";
            case RANGES -> "a list of addresses or CIDR ranges, e.g. [\"10.0.0.0/8\", \"::1\"]";
            case PROTOCOLS -> "a list of \"tcp\" and \"udp\", e.g. [\"tcp\", \"udp\"]";
            case HOST_PORT -> "host:port, e.g. \"127.0.0.1:80\", \"example.org:80\" or \"[::1]:80\"";
            case TABLE -> "a table of strings, e.g. { LANG = \"C.UTF-8\" }";
        };
    }

    /** The default as a config would write it, for help and the README. */
    public static String defaultShown(Option<?> o) {
        if (o.defaultText() != null) {
            return o.defaultText();
        }
        Object d = o.defaultValue();
        if (d == null) {
            return "none";
        }
        return switch (o.type()) {
            case SIZE -> size((Long) d).matches("\\d+") ? size((Long) d) : "\"" + size((Long) d) + "\"";
            case DURATION -> "\"" + Durations.format((Duration) d) + "\"";
            case STRING, CHOICE, PATH -> "\"" + d + "\"";
            case STRINGS, ADDRESSES, RANGES, PROTOCOLS -> ((List<?>) d).isEmpty() ? "none" : d.toString();
            case TABLE -> ((Map<?, ?>) d).isEmpty() ? "none" : d.toString();
            default -> String.valueOf(d);
        };
    }

    /** Bytes the short way: {@code 8192}, {@code 64KiB}, {@code 25MiB}. */
    static String size(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            int shift = 40 - 10 * i;
            long unit = 1L << shift;
            if (bytes >= 65_536 && bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
