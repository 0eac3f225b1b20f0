package dev.portd.service;

import dev.portd.ports.Cidr;
import dev.portd.ports.HostPort;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One config key, declared once: its key, type, allowed range or values, default and one-line
 * meaning. {@code config/} checks every value written in a config against it and reports what is
 * allowed; a service reads the typed, already-valid value with {@link ServiceOptions#get}.
 *
 * <pre>{@code
 * static final Option<Long> MAX_RECORD_BYTES = Option.size("max_record_bytes", 1024, 16 << 20, 64 * 1024,
 *         "largest RPC record over TCP, all fragments together");
 * ...
 * int max = (int) (long) ctx.options().get(MAX_RECORD_BYTES);
 * }</pre>
 *
 * @param <T> the Java type of a valid value
 */
public final class Option<T> {

    /** What a value may look like; config/ converts and checks each. */
    public enum Type {
        /** a whole number within [min, max] */
        INTEGER,
        /** bytes: a whole number or a string with a binary unit, "64KiB", "25MiB", within [min, max] */
        SIZE,
        /** "250ms", "30s", "5m", "1h" (a bare number is seconds), within [min, max] milliseconds */
        DURATION,
        BOOLEAN,
        STRING,
        /** a string among {@link #choices()} */
        CHOICE,
        PATH,
        STRINGS,
        /** an IP address or a list of them */
        ADDRESSES,
        /** a list of addresses or CIDR ranges */
        RANGES,
        /** a list of "tcp" and "udp" */
        PROTOCOLS,
        /** "host:port" or "[v6]:port", read as a {@link dev.portd.ports.HostPort} */
        HOST_PORT,
        /** a table of string values, e.g. {@code { LANG = "C.UTF-8" }}, read as a {@code Map<String, String>} */
        TABLE
    }

    private final String key;
    private final Type type;
    private final T defaultValue;
    private final String defaultText;
    private final long min;
    private final long max;
    private final List<String> choices;
    private final String meaning;

    private Option(String key, Type type, T defaultValue, String defaultText, long min, long max,
                   List<String> choices, String meaning) {
        this.key = Objects.requireNonNull(key);
        this.type = type;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.min = min;
        this.max = max;
        this.choices = List.copyOf(choices);
        this.meaning = meaning;
    }

    public static Option<Integer> integer(String key, int min, int max, Integer defaultValue, String meaning) {
        return new Option<>(key, Type.INTEGER, defaultValue, null, min, max, List.of(), meaning);
    }

    public static Option<Long> size(String key, long min, long max, Long defaultValue, String meaning) {
        return new Option<>(key, Type.SIZE, defaultValue, null, min, max, List.of(), meaning);
    }

    public static Option<Duration> duration(String key, Duration min, Duration max, Duration defaultValue,
                                            String meaning) {
        return new Option<>(key, Type.DURATION, defaultValue, null, min.toMillis(), max.toMillis(), List.of(),
                meaning);
    }

    public static Option<Boolean> bool(String key, boolean defaultValue, String meaning) {
        return new Option<>(key, Type.BOOLEAN, defaultValue, null, 0, 0, List.of(), meaning);
    }

    public static Option<String> string(String key, String defaultValue, String meaning) {
        return new Option<>(key, Type.STRING, defaultValue, null, 0, 0, List.of(), meaning);
    }

    public static Option<String> choice(String key, String defaultValue, List<String> choices, String meaning) {
        return new Option<>(key, Type.CHOICE, defaultValue, null, 0, 0, choices, meaning);
    }

    public static Option<Path> path(String key, Path defaultValue, String meaning) {
        return new Option<>(key, Type.PATH, defaultValue, null, 0, 0, List.of(), meaning);
    }

    public static Option<List<String>> strings(String key, String meaning) {
        return new Option<>(key, Type.STRINGS, List.of(), null, 0, 0, List.of(), meaning);
    }

    public static Option<List<InetAddress>> addresses(String key, String meaning) {
        return new Option<>(key, Type.ADDRESSES, List.of(), null, 0, 0, List.of(), meaning);
    }

    public static Option<List<Cidr>> ranges(String key, String meaning) {
        return new Option<>(key, Type.RANGES, List.of(), null, 0, 0, List.of(), meaning);
    }

    public static Option<List<String>> protocols(String key, String meaning) {
        return new Option<>(key, Type.PROTOCOLS, null, null, 0, 0, List.of("tcp", "udp"), meaning);
    }

    public static Option<HostPort> hostPort(String key, String meaning) {
        return new Option<>(key, Type.HOST_PORT, null, null, 0, 0, List.of(), meaning);
    }

    public static Option<Map<String, String>> table(String key, String meaning) {
        return new Option<>(key, Type.TABLE, Map.of(), null, 0, 0, List.of(), meaning);
    }

    /**
     * The same option with its default described in words, for defaults that are not one value:
     * {@code "the kind's"}, {@code "built-in quotes"}, {@code "this machine's name"}.
     */
    public Option<T> defaultText(String text) {
        return new Option<>(key, type, defaultValue, text, min, max, choices, meaning);
    }

    /** The same option, which a config must write: {@code to} of a forward, {@code command} of an exec. */
    public Option<T> required() {
        return new Option<>(key, type, defaultValue, "required", min, max, choices, meaning);
    }

    /** Whether a config must write this key. */
    public boolean isRequired() {
        return "required".equals(defaultText);
    }

    public String key() {
        return key;
    }

    public Type type() {
        return type;
    }

    /** The value used when the config gives none; null when there is none (see {@link #defaultText}). */
    public T defaultValue() {
        return defaultValue;
    }

    public long min() {
        return min;
    }

    public long max() {
        return max;
    }

    public List<String> choices() {
        return choices;
    }

    public String meaning() {
        return meaning;
    }

    /** The default in words when it is not one value, else null. */
    public String defaultText() {
        return defaultText;
    }

    @Override
    public String toString() {
        return key;
    }
}
