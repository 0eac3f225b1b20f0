package dev.portd.service.exec;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * A program started with a socket as its standard input and output, as inetd starts one:
 * {@code posix_spawn(3)} with file actions {@code dup2(socket, 0)}, {@code dup2(socket, 1)}, fd 2
 * to the socket, a pipe to portd's log or /dev/null, then {@code closefrom(3)} so the program gets
 * no other descriptor of portd. glibc's posix_spawn is a vfork-style clone, safe from a JVM's many
 * threads; the child starts in a session of its own with every signal at its default and none
 * blocked, so a signal to its process group reaches whatever it starts too.
 *
 * <p>Each program has a reaper: a thread blocked in {@code waitid(WNOWAIT)} that, once the program
 * has exited, marks it gone and reaps it under the same lock {@link #signal} takes, so a signal is
 * never sent to a reused pid, and no zombie is left.
 */
final class ExecProcess {
    private static final ExecutorService REAPERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "portd-exec-reaper");
        t.setDaemon(true);
        return t;
    });
    private static final int MAX_STDERR_LINE = 1000;

    /** Where the program's fd 2 goes. */
    enum Stderr { LOG, CLIENT, DISCARD }

    /** What to run: argv (argv[0] an absolute path), the whole environment, the working directory. */
    record Spec(List<String> argv, List<String> env, String cwd, Stderr stderr) {
    }

    private final int pid;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private boolean reaped;   // guarded by this

    private ExecProcess(int pid) {
        this.pid = pid;
    }

    int pid() {
        return pid;
    }

    /** Completes, on a reaper thread, once the program has exited and been reaped. */
    CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    /**
     * Starts the program with {@code fd} as its fd 0 and 1. Blocking (a clone and an exec): call it
     * off the event loops. Throws {@link SpawnException} naming the cause when it cannot start.
     */
    static ExecProcess spawn(Spec spec, int fd, Consumer<String> stderrLines) throws SpawnException {
        LibC c = LibC.load();
        Memory actions = LibC.opaque();
        Memory attr = LibC.opaque();
        Memory none = LibC.opaque();
        Memory all = LibC.opaque();
        int[] pipe = {-1, -1};
        c.posix_spawn_file_actions_init(actions);
        c.posix_spawnattr_init(attr);
        try {
            c.posix_spawn_file_actions_adddup2(actions, fd, 0);
            c.posix_spawn_file_actions_adddup2(actions, fd, 1);
            switch (spec.stderr()) {
                case CLIENT -> c.posix_spawn_file_actions_adddup2(actions, fd, 2);
                case DISCARD -> c.posix_spawn_file_actions_addopen(actions, 2, "/dev/null", 1, 0);
                case LOG -> {
                    if (c.pipe2(pipe, LibC.O_CLOEXEC) != 0) {
                        throw new SpawnException("cannot make a pipe for stderr: " + LibC.strerror(Native.getLastError()));
                    }
                    c.posix_spawn_file_actions_adddup2(actions, pipe[1], 2);
                }
            }
            c.posix_spawn_file_actions_addchdir_np(actions, spec.cwd());
            c.posix_spawn_file_actions_addclosefrom_np(actions, 3);
            c.sigemptyset(none);
            c.sigfillset(all);
            c.posix_spawnattr_setsigmask(attr, none);
            c.posix_spawnattr_setsigdefault(attr, all);
            c.posix_spawnattr_setflags(attr,
                    (short) (LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSID));
            IntByReference pid = new IntByReference();
            int err = c.posix_spawn(pid, spec.argv().get(0), actions, attr,
                    new StringArray(spec.argv().toArray(String[]::new), "UTF-8"),
                    new StringArray(spec.env().toArray(String[]::new), "UTF-8"));
            if (err != 0) {
                throw new SpawnException("cannot start " + spec.argv().get(0) + ": " + LibC.strerror(err)
                        + (spec.cwd().equals("/") ? "" : " (or cwd " + spec.cwd() + ")"));
            }
            ExecProcess p = new ExecProcess(pid.getValue());
            if (pipe[0] >= 0) {
                int readEnd = pipe[0];
                pipe[0] = -1;
                REAPERS.execute(() -> pumpStderr(c, readEnd, stderrLines));
            }
            REAPERS.execute(p::reap);
            return p;
        } finally {
            c.posix_spawn_file_actions_destroy(actions);
            c.posix_spawnattr_destroy(attr);
            for (int end : pipe) {
                if (end >= 0) {
                    c.close(end);
                }
            }
        }
    }

    /**
     * Puts the socket behind {@code fd} in blocking mode, as inetd hands it to a program: Netty
     * accepted it non-blocking, and the flag belongs to the open socket, which a duplicate shares, so
     * a program that reads before the client has written (cat, a shell's read) would get EAGAIN and
     * fail. Only for a socket portd itself no longer reads or writes.
     */
    static void makeBlocking(int fd) throws SpawnException {
        setNonBlocking(fd, false);
    }

    /** Sets or clears O_NONBLOCK on the open socket behind {@code fd} (shared by every duplicate). */
    static void setNonBlocking(int fd, boolean nonBlocking) throws SpawnException {
        LibC c = LibC.load();
        int flags = c.fcntl(fd, LibC.F_GETFL, 0);
        int wanted = nonBlocking ? flags | LibC.O_NONBLOCK : flags & ~LibC.O_NONBLOCK;
        if (flags < 0 || (wanted != flags && c.fcntl(fd, LibC.F_SETFL, wanted) != 0)) {
            throw new SpawnException("cannot put the socket in " + (nonBlocking ? "non-blocking" : "blocking")
                    + " mode: " + LibC.strerror(Native.getLastError()));
        }
    }

    /** Sends {@code signal} to the program's process group, unless it has already been reaped. */
    synchronized void signal(int signal) {
        if (!reaped) {
            LibC.load().kill(-pid, signal);
        }
    }

    private void reap() {
        LibC c = LibC.load();
        Memory info = LibC.opaque();
        while (c.waitid(LibC.P_PID, pid, info, LibC.WEXITED | LibC.WNOWAIT) != 0
                && Native.getLastError() == LibC.EINTR) {
            // interrupted by a signal: wait again
        }
        IntByReference status = new IntByReference();
        synchronized (this) {
            c.waitpid(pid, status, 0);
            reaped = true;
        }
        exit.complete(ExitStatus.of(status.getValue()));
    }

    /** Hands each line the program writes to its stderr to {@code lines}, until it closes the pipe. */
    private static void pumpStderr(LibC c, int fd, Consumer<String> lines) {
        byte[] buf = new byte[4096];
        StringBuilder line = new StringBuilder();
        try {
            int n;
            while ((n = c.read(fd, buf, buf.length)) > 0 || (n < 0 && Native.getLastError() == LibC.EINTR)) {
                for (String part : new String(buf, 0, Math.max(n, 0), StandardCharsets.UTF_8).split("(?<=\n)")) {
                    line.append(part);
                    if (part.endsWith("\n") || line.length() >= MAX_STDERR_LINE) {
                        lines.accept(line.toString().strip());
                        line.setLength(0);
                    }
                }
            }
            if (!line.isEmpty()) {
                lines.accept(line.toString().strip());
            }
        } finally {
            c.close(fd);
        }
    }

    /** A program that could not be started, with the reason in words. */
    static final class SpawnException extends Exception {
        SpawnException(String message) {
            super(message);
        }
    }
}
