package dev.portd.service.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The HTML page of a directory without index.html: directories first, then files, each sorted by
 * name, with size and modification time. Names are HTML-escaped in text and percent-encoded in
 * links, so a file called {@code <script>} or {@code a"b} is shown, not run.
 */
final class DirectoryListing {
    /** A listing stops here: a directory of a million files must not make a 100 MB page. */
    static final int MAX_ENTRIES = 10_000;
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private record Item(String name, boolean directory, long size, Instant modified) {
    }

    private DirectoryListing() {
    }

    /** The page for {@code dir}, shown at the (decoded) request path {@code path}; blocking. */
    static byte[] render(Path dir, String path) throws IOException {
        List<Item> items = new ArrayList<>();
        boolean truncated = false;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                if (items.size() == MAX_ENTRIES) {
                    truncated = true;
                    break;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    items.add(new Item(p.getFileName().toString(), a.isDirectory(), a.size(),
                            a.lastModifiedTime().toInstant()));
                } catch (IOException e) {
                    // a dangling link or a file gone since the listing: not shown
                }
            }
        }
        items.sort(Comparator.comparing((Item i) -> !i.directory()).thenComparing(Item::name));
        String title = escape("Index of " + path);
        StringBuilder b = new StringBuilder(512 + items.size() * 160);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(title).append("</title><style>")
                .append("body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}")
                .append("table{border-collapse:collapse;width:100%}td,th{padding:.25rem .75rem;text-align:left}")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums}tr:nth-child(even){background:#f4f5f7}")
                .append("a{color:#0b5cad;text-decoration:none}a:hover{text-decoration:underline}")
                .append("@media(prefers-color-scheme:dark){body{background:#15171a;color:#ddd}tr:nth-child(even){background:#1f2226}a{color:#6cb2ff}}")
                .append("</style></head><body>\n<h1>").append(title).append("</h1>\n<table>\n")
                .append("<tr><th>Name</th><th class=\"n\">Size</th><th>Modified (UTC)</th></tr>\n");
        if (!path.equals("/")) {
            b.append("<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n");
        }
        for (Item i : items) {
            String shown = i.name() + (i.directory() ? "/" : "");
            b.append("<tr><td><a href=\"./").append(encode(i.name())).append(i.directory() ? "/" : "").append("\">")
                    .append(escape(shown)).append("</a></td><td class=\"n\">")
                    .append(i.directory() ? "-" : size(i.size())).append("</td><td>")
                    .append(WHEN.format(i.modified())).append("</td></tr>\n");
        }
        b.append("</table>\n");
        if (truncated) {
            b.append("<p>Only the first ").append(MAX_ENTRIES).append(" entries are shown.</p>\n");
        }
        b.append("</body></html>\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** HTML text and attribute escaping. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Percent-encodes a path segment: everything but RFC 3986 unreserved characters. */
    static String encode(String segment) {
        StringBuilder b = new StringBuilder();
        for (byte x : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}
