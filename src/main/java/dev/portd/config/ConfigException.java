package dev.portd.config;

import java.util.List;

/**
 * A config that cannot be served, with every problem found, each one line that names the file, the
 * key and what is allowed: {@code config/portd.toml:14: services.echo.port = 70000: must be 1..65535}.
 */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
