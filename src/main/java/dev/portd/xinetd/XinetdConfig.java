package dev.portd.xinetd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * xinetd.conf and xinetd.d files read as xinetd 2.3.15 reads them (xinetd.conf(5)): {@code defaults}
 * and {@code service NAME} sections of {@code attribute = value...} lines ({@code +=} and {@code -=}
 * too), {@code #} comments, {@code includedir} (skipping names with a dot or a tilde, as xinetd
 * does) and {@code include}. Values are kept as words; meaning is given to them by
 * {@link XinetdToToml}. Bad input never throws: it becomes a warning with file and line.
 */
public final class XinetdConfig {
    /** Bounds: files read through includes, and lines per file, so a loop or a huge file cannot hang. */
    static final int MAX_FILES = 1000;
    static final int MAX_LINES = 100_000;

    /** One attribute line: name, operator ({@code =}, {@code +=}, {@code -=}), values, where. */
    public record Attribute(String name, String op, List<String> values, String where) {
    }

    /** One {@code service} section, or the {@code defaults} section (name {@code null}). */
    public record Section(String name, String where, Map<String, List<Attribute>> attributes) {
        public List<String> values(String attribute) {
            List<String> result = new ArrayList<>();
            for (Attribute a : attributes.getOrDefault(attribute, List.of())) {
                if (a.op().equals("=")) {
                    result.clear();
                }
                if (a.op().equals("-=")) {
                    result.removeAll(a.values());
                } else {
                    result.addAll(a.values());
                }
            }
            return result;
        }

        public String first(String attribute) {
            List<String> v = values(attribute);
            return v.isEmpty() ? null : v.get(0);
        }
    }

    /** Where {@code include} and {@code includedir} find their files: the disk, or a test's map. */
    interface FileSource {
        boolean isDirectory(Path path);

        /** The regular files of a directory. */
        List<Path> files(Path dir) throws IOException;

        /** The text of a file, or null when it is not a regular file of at most {@code maxBytes}. */
        String text(Path file, int maxBytes) throws IOException;

        FileSource DISK = new FileSource() {
            @Override
            public boolean isDirectory(Path path) {
                return Files.isDirectory(path);
            }

            @Override
            public List<Path> files(Path dir) throws IOException {
                try (Stream<Path> entries = Files.list(dir)) {
                    return entries.filter(Files::isRegularFile).toList();
                }
            }

            @Override
            public String text(Path file, int maxBytes) throws IOException {
                if (!Files.isRegularFile(file) || Files.size(file) > maxBytes) {
                    return null;
                }
                return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            }
        };
    }

    /** Files over 1 MiB are not read: no xinetd config is that large. */
    static final int MAX_FILE_BYTES = 1 << 20;

    private final FileSource source;
    private final List<Section> services = new ArrayList<>();
    private final List<Section> defaults = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();

    private XinetdConfig(FileSource source) {
        this.source = source;
    }

    /** Reads a file (xinetd.conf, or one xinetd.d file) or a directory (as includedir). */
    public static XinetdConfig read(Path fileOrDir) {
        return read(fileOrDir, FileSource.DISK);
    }

    static XinetdConfig read(Path fileOrDir, FileSource source) {
        XinetdConfig c = new XinetdConfig(source);
        if (source.isDirectory(fileOrDir)) {
            c.includeDir(fileOrDir, fileOrDir.toString());
        } else {
            c.include(fileOrDir, fileOrDir.toString());
        }
        return c;
    }

    /** Parses text as one file named {@code name} (includes are followed from the file system). */
    public static XinetdConfig parse(String text, String name) {
        return parse(text, name, FileSource.DISK);
    }

    static XinetdConfig parse(String text, String name, FileSource source) {
        XinetdConfig c = new XinetdConfig(source);
        c.parseText(text, name);
        return c;
    }

    public List<Section> services() {
        return services;
    }

    /** The merged {@code defaults} section (xinetd allows one; later ones add to it). */
    public Section defaults() {
        Map<String, List<Attribute>> all = new LinkedHashMap<>();
        for (Section d : defaults) {
            d.attributes().forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        }
        return new Section(null, defaults.isEmpty() ? "" : defaults.get(0).where(), all);
    }

    public List<String> warnings() {
        return warnings;
    }

    public List<Path> files() {
        return files;
    }

    private void include(Path file, String where) {
        if (files.size() >= MAX_FILES) {
            warnings.add(where + ": more than " + MAX_FILES + " files; " + file + " not read");
            return;
        }
        if (files.contains(file.toAbsolutePath().normalize())) {
            warnings.add(where + ": " + file + " is included twice; read once");
            return;
        }
        files.add(file.toAbsolutePath().normalize());
        try {
            String text = source.text(file, MAX_FILE_BYTES);
            if (text == null) {
                warnings.add(where + ": " + file + " is not a regular file up to 1 MiB; not read");
                return;
            }
            parseText(text, file.toString());
        } catch (IOException e) {
            warnings.add(where + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    private void includeDir(Path dir, String where) {
        try {
            source.files(dir).stream()
                    .filter(p -> !p.getFileName().toString().contains(".") && !p.getFileName().toString().contains("~"))
                    .sorted().forEach(p -> include(p, where));
        } catch (IOException e) {
            warnings.add(where + ": cannot read directory " + dir + ": " + e.getMessage());
        }
    }

    private void parseText(String text, String file) {
        String[] lines = text.split("\r?\n", MAX_LINES + 1);
        Section open = null;
        String pending = null;   // "service NAME" or "defaults" waiting for its "{"
        String pendingWhere = null;
        for (int i = 0; i < Math.min(lines.length, MAX_LINES); i++) {
            String where = file + ":" + (i + 1);
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (open == null) {
                if (line.equals("{") && pending != null) {
                    open = new Section(pending.isEmpty() ? null : pending, pendingWhere, new LinkedHashMap<>());
                    pending = null;
                    continue;
                }
                String[] w = line.split("\\s+");
                boolean brace = w[w.length - 1].equals("{");
                int words = brace ? w.length - 1 : w.length;
                if (w[0].equals("service") && words == 2) {
                    pending = w[1];
                } else if (w[0].equals("defaults") && words == 1) {
                    pending = "";
                } else if (w[0].equals("includedir") && words == 2) {
                    includeDir(Path.of(w[1]), where);
                    continue;
                } else if (w[0].equals("include") && words == 2) {
                    include(Path.of(w[1]), where);
                    continue;
                } else {
                    warnings.add(where + ": \"" + shorten(line) + "\" is not a section, include or includedir; ignored");
                    continue;
                }
                pendingWhere = where;
                if (brace) {
                    open = new Section(pending.isEmpty() ? null : pending, where, new LinkedHashMap<>());
                    pending = null;
                }
                continue;
            }
            if (line.equals("}")) {
                (open.name() == null ? defaults : services).add(open);
                open = null;
                continue;
            }
            attribute(open, line, where);
        }
        if (lines.length > MAX_LINES) {
            warnings.add(file + ": more than " + MAX_LINES + " lines; the rest ignored");
        }
        if (open != null || pending != null) {
            warnings.add(file + ": section " + (open != null ? open.where() : pendingWhere) + " is not closed with }; ignored");
        }
    }

    private void attribute(Section open, String line, String where) {
        int eq = line.indexOf('=');
        if (eq <= 0) {
            warnings.add(where + ": \"" + shorten(line) + "\" is not attribute = value; ignored");
            return;
        }
        String op = "=";
        String name = line.substring(0, eq);
        if (name.endsWith("+") || name.endsWith("-")) {
            op = name.charAt(name.length() - 1) + "=";
            name = name.substring(0, name.length() - 1);
        }
        name = name.strip();
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            warnings.add(where + ": \"" + shorten(name) + "\" is not an attribute name; ignored");
            return;
        }
        String rest = line.substring(eq + 1).strip();
        List<String> values = rest.isEmpty() ? List.of() : List.of(rest.split("\\s+"));
        open.attributes().computeIfAbsent(name, k -> new ArrayList<>()).add(new Attribute(name, op, values, where));
    }

    static String shorten(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }
}
