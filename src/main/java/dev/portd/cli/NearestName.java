package dev.portd.cli;

import java.util.Collection;

/**
 * The known name nearest to a mistyped one ({@code --prot-offset} -> {@code --port-offset}), by
 * edit distance with a swap of two neighbours counted as one edit (optimal string alignment).
 */
public final class NearestName {
    private NearestName() {
    }

    /** The nearest of {@code known}, or null when none is within a third of the typed length (at least 1). */
    public static String of(String typed, Collection<String> known) {
        int limit = Math.max(1, typed.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : known) {
            int d = distance(typed, name);
            if (d <= limit && d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return best;
    }

    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
