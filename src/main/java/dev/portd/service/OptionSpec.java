package dev.portd.service;

/**
 * A config key that belongs to one service kind, such as {@code quotes} for qotd.
 *
 * @param key         the TOML key
 * @param type        what value it takes
 * @param description what it does, with its default; shown in errors and the README
 */
public record OptionSpec(String key, Type type, String description) {

    /** The value types a service option may take. */
    public enum Type {
        STRING("a string"),
        PATH("a file or directory path (string)"),
        INTEGER("an integer"),
        BOOLEAN("true or false"),
        DURATION("a duration such as \"30s\", \"5m\" or \"250ms\""),
        STRING_LIST("a list of strings");

        private final String expected;

        Type(String expected) {
            this.expected = expected;
        }

        /** What the value must look like, for error messages. */
        public String expected() {
            return expected;
        }
    }
}
