package dev.portd.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated options of one service instance, typed as its {@link OptionSpec}s declare: the
 * config loader has checked every key and type, so the getters only convert.
 */
public record ServiceOptions(Map<String, Object> values) {

    public static final ServiceOptions NONE = new ServiceOptions(Map.of());

    public ServiceOptions {
        values = Map.copyOf(values);
    }

    public Optional<String> string(String key) {
        return Optional.ofNullable((String) values.get(key));
    }

    public Optional<Path> path(String key) {
        return string(key).map(Path::of);
    }

    public Optional<Long> integer(String key) {
        return Optional.ofNullable((Long) values.get(key));
    }

    public Optional<Boolean> bool(String key) {
        return Optional.ofNullable((Boolean) values.get(key));
    }

    public Optional<Duration> duration(String key) {
        return Optional.ofNullable((Duration) values.get(key));
    }

    @SuppressWarnings("unchecked")
    public Optional<List<String>> strings(String key) {
        return Optional.ofNullable((List<String>) values.get(key));
    }
}
