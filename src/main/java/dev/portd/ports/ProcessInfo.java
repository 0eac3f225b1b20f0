package dev.portd.ports;

/**
 * A process that holds a socket.
 *
 * @param pid         its process id
 * @param user        the name of its user (or the uid as text when /etc/passwd lacks it)
 * @param name        its short name ({@code /proc/PID/comm})
 * @param commandLine its arguments joined by spaces ({@code /proc/PID/cmdline})
 */
public record ProcessInfo(long pid, String user, String name, String commandLine) {
}
