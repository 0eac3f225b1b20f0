package dev.portd.config;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line of each key in a TOML text, so that an error can say {@code portd.toml:14:}. Jackson's
 * tree keeps no positions; tables ({@code [services.echo]}) and {@code key = value} lines cover the
 * way portd configs are written, and a key it cannot place simply gets no line number.
 */
final class KeyLines {
    private static final Pattern TABLE = Pattern.compile("^\\s*\\[\\s*([^\\[\\]]+?)\\s*\\]\\s*(#.*)?$");
    private static final Pattern KEY = Pattern.compile("^\\s*([A-Za-z0-9_.\"-]+?)\\s*=");

    private final Map<String, Integer> lines = new HashMap<>();

    KeyLines(String text) {
        String table = "";
        String[] all = text.split("\r?\n", -1);
        for (int i = 0; i < all.length; i++) {
            Matcher t = TABLE.matcher(all[i]);
            if (t.matches()) {
                table = unquote(t.group(1));
                // [a.b.c] also opens a and a.b, so a wrong "a" (e.g. [service.x]) gets this line
                for (int dot = table.indexOf('.'); dot > 0; dot = table.indexOf('.', dot + 1)) {
                    lines.putIfAbsent(table.substring(0, dot), i + 1);
                }
                lines.putIfAbsent(table, i + 1);
                continue;
            }
            Matcher k = KEY.matcher(all[i]);
            if (k.find()) {
                String key = unquote(k.group(1));
                lines.putIfAbsent(table.isEmpty() ? key : table + "." + key, i + 1);
            }
        }
    }

    /** The line of that dotted key, or of the nearest enclosing table, or 0. */
    int line(String path) {
        for (String p = path; !p.isEmpty(); p = p.contains(".") ? p.substring(0, p.lastIndexOf('.')) : "") {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
        }
        return 0;
    }

    private static String unquote(String key) {
        return key.replace("\"", "").replaceAll("\\s*\\.\\s*", ".");
    }
}
