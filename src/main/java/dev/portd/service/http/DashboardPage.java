package dev.portd.service.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The dashboard page with the host's current snapshot and its history written into it, as a JSON
 * data block ({@code <script type="application/json">}, never run), so the page shows numbers and
 * charts at once instead of empty cards, and a reload keeps the last 15 minutes.
 */
final class DashboardPage {
    /** Where dashboard.html takes the data. */
    static final String MARK = "/*portd:boot*/";

    private final String before;
    private final String after;

    DashboardPage(byte[] template) {
        String html = new String(template, StandardCharsets.UTF_8);
        int at = html.indexOf(MARK);
        if (at < 0) {
            throw new IllegalStateException("dashboard.html lacks " + MARK);
        }
        this.before = html.substring(0, at);
        this.after = html.substring(at + MARK.length());
    }

    byte[] render(DashboardSnapshot.Json snapshot, DashboardHistory.Json history) {
        String json = new String(DashboardSnapshot.bytes(Map.of("snapshot", snapshot, "history", history)),
                StandardCharsets.UTF_8);
        return (before + inert(json) + after).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * JSON that cannot end its script element: {@code <}, {@code >} and {@code &} occur in JSON text
     * only inside strings, where their escapes mean the same (a subject line "&lt;/script&gt;" stays text).
     */
    static String inert(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }
}
