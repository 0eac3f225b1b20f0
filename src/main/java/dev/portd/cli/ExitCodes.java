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
    /** Stopped by SIGINT: 128 + 2, as shells report it; what was done so far is printed. */
    public static final int INTERRUPTED = 130;
    /** Every message portd itself prints to stderr starts with this. */
    public static final String PREFIX = "portd: ";
}
