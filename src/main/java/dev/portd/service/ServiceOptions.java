package dev.portd.service;

import java.util.Map;
import java.util.Optional;

/**
 * The options of one service instance, already checked against their {@link Option} declarations
 * by {@code config/}: a service reads typed, valid values and never checks a range itself.
 */
public record ServiceOptions(Map<String, Object> values) {

    public static final ServiceOptions NONE = new ServiceOptions(Map.of());

    public ServiceOptions {
        values = Map.copyOf(values);
    }

    /** The configured value, else the option's default (null only for options without one). */
    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        Object value = values.get(option.key());
        return value == null ? option.defaultValue() : (T) value;
    }

    /** The configured value or the default, empty when neither exists. */
    public <T> Optional<T> find(Option<T> option) {
        return Optional.ofNullable(get(option));
    }

    /** Whether the config wrote this key (as opposed to leaving it to its default). */
    public boolean isSet(Option<?> option) {
        return values.containsKey(option.key());
    }
}
