package dev.portd.service.exec;

/**
 * How a program ended, decoded from {@code waitpid}'s status: an exit code, or the signal that
 * killed it.
 */
record ExitStatus(int code, int signal) {

    static ExitStatus of(int waitStatus) {
        int sig = waitStatus & 0x7f;
        return sig == 0 ? new ExitStatus((waitStatus >> 8) & 0xff, 0) : new ExitStatus(-1, sig);
    }

    /** From {@link Process#exitValue()}, which reports a killing signal as 128 + its number. */
    static ExitStatus ofJava(int value) {
        return value > 128 && value < 128 + 65 ? new ExitStatus(-1, value - 128) : new ExitStatus(value, 0);
    }

    boolean success() {
        return signal == 0 && code == 0;
    }

    @Override
    public String toString() {
        return signal != 0 ? "killed by signal " + signal + signalName() : "exit status " + code;
    }

    private String signalName() {
        return switch (signal) {
            case 1 -> " (SIGHUP)";
            case 2 -> " (SIGINT)";
            case 6 -> " (SIGABRT)";
            case 9 -> " (SIGKILL)";
            case 11 -> " (SIGSEGV)";
            case 13 -> " (SIGPIPE)";
            case 15 -> " (SIGTERM)";
            default -> "";
        };
    }
}
