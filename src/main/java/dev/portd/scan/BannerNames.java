package dev.portd.scan;

import dev.portd.scan.BannerGrab.Banner;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/** Names a service from the first bytes it sent: its greeting, or its answer to the HTTP probe. */
final class BannerNames {
    /** Characters of banner text shown. */
    static final int MAX_TEXT = 100;

    private BannerNames() {
    }

    static Banner identify(byte[] bytes, boolean probed) {
        if (bytes.length == 0) {
            return new Banner("", "");
        }
        if (probed && Arrays.equals(bytes, BannerGrab.PROBE)) {
            return new Banner("(the probe came back unchanged)", "echo");
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        String first = firstLine(text);
        String lower = first.toLowerCase(Locale.ROOT);
        String service = "";
        if (first.startsWith("SSH-")) {
            service = "ssh";
        } else if (first.startsWith("HTTP/")) {
            service = "http";
            String server = header(text, "server");
            if (!server.isEmpty()) {
                first = first + " (Server: " + server + ")";
            }
        } else if (first.startsWith("220")) {
            service = lower.contains("ftp") ? "ftp" : "smtp";
        } else if (first.startsWith("+OK")) {
            service = "pop3";
        } else if (first.startsWith("* OK") || first.startsWith("* PREAUTH")) {
            service = "imap";
        } else if (first.startsWith("RFB ")) {
            service = "vnc";
        } else if (first.startsWith("-ERR") || first.startsWith("-NOAUTH")) {
            service = "redis";
        }
        return new Banner(printable(first), service);
    }

    private static String firstLine(String text) {
        int end = 0;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
            end++;
        }
        return end == 0 ? text : text.substring(0, end);
    }

    private static String header(String response, String name) {
        for (String line : response.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    /** Control and non-ASCII bytes become '.', so a binary banner cannot upset the terminal. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_TEXT));
        for (int i = 0; i < text.length() && out.length() < MAX_TEXT; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '.');
        }
        return out.toString().strip();
    }
}
