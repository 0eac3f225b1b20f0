package dev.portd.service.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the kernel says of this JVM's epoll sets (/proc/self/fdinfo). */
final class EpollSets {
    private EpollSets() {
    }

    /** Whether any epoll set of this process watches the socket open as {@code fd}. */
    static boolean watch(int fd) throws IOException {
        String socket = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();   // socket:[INODE]
        long inode = Long.parseLong(socket.substring(socket.indexOf('[') + 1, socket.indexOf(']')));
        List<Path> fds;
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            fds = list.toList();
        }
        for (Path open : fds) {
            if (isEpoll(open) && watches(Path.of("/proc/self/fdinfo").resolve(open.getFileName()), fd, inode)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isEpoll(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString().equals("anon_inode:[eventpoll]");
        } catch (IOException e) {
            return false;   // closed since it was listed
        }
    }

    /** An epoll fdinfo has one line per watched fd: "tfd: FD events: MASK data: DATA pos:0 ino:HEX sdev:HEX". */
    private static boolean watches(Path fdinfo, int fd, long inode) {
        List<String> lines;
        try {
            lines = Files.readAllLines(fdinfo);
        } catch (IOException e) {
            return false;
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 1 && f[0].equals("tfd:") && Integer.parseInt(f[1]) == fd) {
                for (String field : f) {
                    if (field.startsWith("ino:") && Long.parseLong(field.substring(4), 16) == inode) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
