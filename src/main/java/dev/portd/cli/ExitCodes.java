package dev.portd.cli;

/** The exit codes of every command, in one place; {@code portd --help} lists them. */
public final class ExitCodes {
    private ExitCodes() {
    }

    /** Done, including a serve stopped by SIGTERM after draining. */
    public static final int OK = 0;
    /** A bug: logged with its stack trace. */
    public static final int INTERNAL_ERROR = 1;
    /** Refused: bad usage, config or bind; each problem listed. */
    public static final int REFUSED = 2;
}
