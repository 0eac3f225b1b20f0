package dev.portd.service;

/**
 * A service option whose value is well-typed but unusable, such as a quotes file that does not
 * exist; the host reports it with the config key, like any other config error.
 */
public final class OptionException extends RuntimeException {
    private final String key;

    public OptionException(String key, String problem) {
        super(problem);
        this.key = key;
    }

    /** The option's key within its service table, e.g. {@code quotes}. */
    public String key() {
        return key;
    }
}
