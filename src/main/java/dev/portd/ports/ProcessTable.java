package dev.portd.ports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Finds which processes hold which sockets by reading {@code /proc/PID/fd}, as {@code ss -p} and
 * {@code lsof} do. Another user's descriptors are only readable by root: those sockets simply have
 * no process here, and callers say so instead of guessing.
 */
public final class ProcessTable {
    private final Path proc;

    public ProcessTable() {
        this(Path.of("/proc"));
    }

    ProcessTable(Path proc) {
        this.proc = proc;
    }

    /**
     * Why the holder of a socket owned by {@code uid} is not visible: without root, another user's
     * descriptors cannot be read; as root, the process lives in another PID namespace (a container,
     * a sandbox) whose /proc this one does not show.
     */
    public static String hiddenReason(int uid, Users users) {
        if (effectiveUid() == 0) {
            return "not visible from here: its process is outside this PID namespace (another container?)";
        }
        return "a process of user " + users.name(uid) + " that this user cannot see; run as root to see it";
    }

    /** This process's effective user id from /proc/self/status, or -1 when it cannot be read. */
    static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** For each of these socket inodes that a visible process holds, that process. */
    public Map<Long, ProcessInfo> holders(Set<Long> inodes) {
        Map<Long, ProcessInfo> result = new HashMap<>();
        if (inodes.isEmpty()) {
            return result;
        }
        Users users = new Users();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path pidDir : pids) {
                scan(pidDir, inodes, users, result);
                if (result.size() == inodes.size()) {
                    break;
                }
            }
        } catch (IOException e) {
            return result;   // no /proc: nothing is visible
        }
        return result;
    }

    private void scan(Path pidDir, Set<Long> inodes, Users users, Map<Long, ProcessInfo> into) {
        ProcessInfo info = null;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(pidDir.resolve("fd"))) {
            for (Path fd : fds) {
                long inode = socketInode(fd);
                if (inode >= 0 && inodes.contains(inode) && !into.containsKey(inode)) {
                    if (info == null) {
                        info = describe(pidDir, users);
                    }
                    into.put(inode, info);
                }
            }
        } catch (IOException | SecurityException e) {
            // another user's process, or one that just exited
        }
    }

    /** The inode of a {@code socket:[12345]} link, or -1. */
    private static long socketInode(Path fd) {
        try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[")) {
                return Long.parseLong(target.substring(8, target.length() - 1));
            }
        } catch (IOException | NumberFormatException e) {
            // closed meanwhile
        }
        return -1;
    }

    static ProcessInfo describe(Path pidDir, Users users) {
        long pid = Long.parseLong(pidDir.getFileName().toString());
        String name = read(pidDir.resolve("comm")).strip();
        String cmdline = read(pidDir.resolve("cmdline")).replace('\0', ' ').strip();
        String user = "?";
        try {
            Object uid = Files.getAttribute(pidDir, "unix:uid");
            user = users.name((Integer) uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // keep "?"
        }
        return new ProcessInfo(pid, user, name, cmdline.isEmpty() ? "[" + name + "]" : cmdline);
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
