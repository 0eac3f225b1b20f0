package dev.portd.ports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** User names by uid, from /etc/passwd; a uid it does not list is shown as its number. */
public final class Users {
    private final Map<Integer, String> names = new HashMap<>();

    public Users() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 2) {
                    try {
                        names.putIfAbsent(Integer.parseInt(f[2]), f[0]);
                    } catch (NumberFormatException e) {
                        // a malformed line: skip it
                    }
                }
            }
        } catch (IOException e) {
            // no passwd file: numbers only
        }
    }

    public String name(int uid) {
        return names.getOrDefault(uid, Integer.toString(uid));
    }
}
