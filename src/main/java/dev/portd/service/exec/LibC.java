package dev.portd.service.exec;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;

/**
 * The few glibc calls Java lacks for handing a socket to a program: {@code posix_spawn(3)} with
 * file actions and attributes, signals to a process group, {@code waitid}/{@code waitpid},
 * {@code shutdown}, pipes and {@code poll}. Loaded once, on first use, and only on Linux.
 */
interface LibC extends Library {
    /** glibc's {@code POSIX_SPAWN_SETSIGDEF}, {@code _SETSIGMASK} and {@code _SETSID} (spawn.h). */
    short POSIX_SPAWN_SETSIGDEF = 0x04;
    short POSIX_SPAWN_SETSIGMASK = 0x08;
    short POSIX_SPAWN_SETSID = 0x80;
    int SIGKILL = 9;
    int SIGTERM = 15;
    int SHUT_RDWR = 2;
    int O_CLOEXEC = 0x80000;
    int P_PID = 1;
    int WEXITED = 4;
    int WNOWAIT = 0x01000000;
    int WNOHANG = 1;
    int EINTR = 4;
    short POLLIN = 1;
    int F_DUPFD_CLOEXEC = 1030;
    int F_GETFL = 3;
    int F_SETFL = 4;
    int O_NONBLOCK = 0x800;
    /** Large enough for glibc's posix_spawn_file_actions_t (80), posix_spawnattr_t (336), sigset_t (128), siginfo_t (128). */
    int OPAQUE_BYTES = 512;

    static LibC load() {
        if (!Platform.isLinux()) {
            throw new UnsupportedOperationException("handing a socket to a program needs Linux (posix_spawn through glibc)");
        }
        return Holder.C;
    }

    /** Loads libc lazily, so a host without exec services never loads JNA. */
    final class Holder {
        static final LibC C = Native.load("c", LibC.class);

        private Holder() {
        }
    }

    int posix_spawn_file_actions_init(Pointer actions);

    int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

    int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

    /** glibc 2.29+. */
    int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

    /** glibc 2.34+: the child gets no descriptor of portd at or above {@code from}. */
    int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    int posix_spawn_file_actions_destroy(Pointer actions);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer set);

    int posix_spawnattr_setsigdefault(Pointer attr, Pointer set);

    int posix_spawnattr_destroy(Pointer attr);

    int sigemptyset(Pointer set);

    int sigfillset(Pointer set);

    int posix_spawn(IntByReference pid, String path, Pointer actions, Pointer attr, StringArray argv, StringArray envp);

    int kill(int pid, int signal);

    int waitid(int idType, int id, Pointer info, int options);

    int waitpid(int pid, IntByReference status, int options);

    int shutdown(int fd, int how);

    int pipe2(int[] fds, int flags);

    int close(int fd);

    int fcntl(int fd, int cmd, int arg);

    int read(int fd, byte[] buffer, long count);

    int poll(Pointer fds, long nfds, int timeoutMillis);

    static Memory opaque() {
        Memory m = new Memory(OPAQUE_BYTES);
        m.clear();
        return m;
    }

    /** The text of an errno, as the C library words it. */
    static String strerror(int errno) {
        return switch (errno) {
            case 1 -> "operation not permitted";
            case 2 -> "no such file or directory";
            case 7 -> "argument list too long";
            case 8 -> "exec format error";
            case 12 -> "out of memory";
            case 13 -> "permission denied";
            case 20 -> "not a directory";
            case 24 -> "too many open files";
            case 11 -> "resource temporarily unavailable (process limit?)";
            default -> "errno " + errno;
        };
    }
}
