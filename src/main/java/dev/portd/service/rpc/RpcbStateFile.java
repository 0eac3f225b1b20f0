package dev.portd.service.rpc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm-start file (rpcbind's {@code -w}): the registrations made by RPC servers, so that they
 * survive a restart of portd. One line per registration, {@code program version netid uaddr owner},
 * after a header line. Written whole to a temporary file, forced to disk and renamed over the old
 * one, so a crash leaves either the old file or the new one, never half of one.
 */
final class RpcbStateFile {
    private static final Logger log = LoggerFactory.getLogger(RpcbStateFile.class);
    static final String HEADER = "# portd portmapper registrations v1: program version netid uaddr owner";
    /** Longer lines are not ours: a uaddr and an owner are at most 256 bytes each. */
    static final int MAX_LINE = 1024;

    private final Path file;

    RpcbStateFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** The saved registrations; none when there is no file. Bad lines are skipped and logged once. */
    List<RpcbMapping> load() {
        List<String> lines;
        try {
            if (Files.size(file) > (long) RpcbRegistry.MAX_MAPPINGS * MAX_LINE) {
                log.warn("portmapper: {} is too large to be a state file; ignored", file);
                return List.of();
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            log.warn("portmapper: cannot read {}: {}; starting with no saved registrations", file, e.toString());
            return List.of();
        }
        List<RpcbMapping> mappings = new ArrayList<>();
        int bad = 0;
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            RpcbMapping m = parse(line);
            if (m == null) {
                bad++;
            } else if (mappings.size() < RpcbRegistry.MAX_MAPPINGS) {
                mappings.add(m);
            }
        }
        if (bad > 0) {
            log.warn("portmapper: {}: {} malformed lines skipped", file, bad);
        }
        return mappings;
    }

    static RpcbMapping parse(String line) {
        String[] f = line.strip().split(" ");
        if (line.length() > MAX_LINE || f.length != 5) {
            return null;
        }
        try {
            return new RpcbMapping(Integer.parseUnsignedInt(f[0]), Integer.parseUnsignedInt(f[1]), f[2], f[3], f[4]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Writes the registrations atomically: temporary file, fsync, rename. */
    synchronized void save(List<RpcbMapping> mappings) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (RpcbMapping m : mappings) {
            if (m.netid().contains(" ") || m.uaddr().contains(" ") || m.owner().contains(" ")
                    || m.uaddr().contains("\n") || m.netid().contains("\n") || m.owner().contains("\n")) {
                continue;   // cannot be written as one line; rpcbind's own clients never send such names
            }
            text.append(Integer.toUnsignedString(m.program())).append(' ')
                    .append(Integer.toUnsignedString(m.version())).append(' ')
                    .append(m.netid()).append(' ').append(m.uaddr()).append(' ').append(m.owner()).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
