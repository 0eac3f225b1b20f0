package dev.portd.discovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * RPC program names from {@code /etc/rpc} (rpc(5): {@code name number aliases...}), so that a
 * program registered by number is published and found by name ({@code status} for 100024).
 */
final class RpcNames {
    private final Map<Long, String> names;

    private RpcNames(Map<Long, String> names) {
        this.names = names;
    }

    /** The table of {@code file}; empty when it cannot be read. */
    static RpcNames read(Path file) {
        Map<Long, String> names = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                int hash = line.indexOf('#');
                String[] words = (hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+");
                if (words.length >= 2 && words[1].matches("\\d{1,10}")) {
                    names.putIfAbsent(Long.parseLong(words[1]), words[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return new RpcNames(Map.of());
        }
        return new RpcNames(Map.copyOf(names));
    }

    /** The program's name, else its number. */
    String name(long program) {
        return names.getOrDefault(program, Long.toString(program));
    }
}
