package dev.portd.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Renders the footer of every {@code --help} (the examples and exit codes) wrapped at words within
 * the usage width: an example's comment continues under the comment's column, a long example
 * command continues indented under itself, prose continues at its own indentation. picocli's own
 * footer wraps at the width but starts every continuation at column 0.
 */
public final class HelpFooter {
    /** An example line: indentation, the command, two or more spaces, then its comment. */
    private static final Pattern EXAMPLE = Pattern.compile("^(\\s+\\S.*?\\s{2,})(\\S.*)$");
    /** A comment narrower than this goes on its own line under the command instead. */
    private static final int MIN_COMMENT_WIDTH = 24;
    private static final int CONTINUATION_INDENT = 4;

    private HelpFooter() {
    }

    /** Uses this footer for the command and all its subcommands. */
    public static void install(CommandLine cli) {
        cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_FOOTER, HelpFooter::render);
        cli.getSubcommands().values().forEach(HelpFooter::install);
    }

    static String render(Help help) {
        UsageMessageSpec usage = help.commandSpec().usageMessage();
        StringBuilder out = new StringBuilder();
        for (String line : usage.footer()) {
            wrap(line, usage.width()).forEach(l -> out.append(l.stripTrailing()).append(System.lineSeparator()));
        }
        return out.toString();
    }

    /** One footer line as the lines that fit {@code width}. */
    static List<String> wrap(String line, int width) {
        if (line.length() <= width) {
            return List.of(line);
        }
        Matcher example = EXAMPLE.matcher(line);
        if (example.matches()) {
            String command = example.group(1);
            String comment = example.group(2);
            if (width - command.length() >= MIN_COMMENT_WIDTH) {
                return words(command, " ".repeat(command.length()), comment, width);
            }
            String indent = leading(line) + " ".repeat(CONTINUATION_INDENT);
            List<String> lines = new ArrayList<>(words(leading(line), indent, command.strip(), width));
            lines.addAll(words(indent + "# ", indent + "  ", comment, width));
            return lines;
        }
        String indent = leading(line);
        return words(indent, indent.isEmpty() ? "" : indent + " ".repeat(CONTINUATION_INDENT), line.strip(), width);
    }

    /** Words of {@code text} after {@code first}, continued after {@code next}; a word longer than a line stands alone. */
    private static List<String> words(String first, String next, String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder(first);
        int start = first.length();
        for (String word : text.split(" +")) {
            if (current.length() > start && current.length() + 1 + word.length() > width) {
                lines.add(current.toString());
                current = new StringBuilder(next);
                start = next.length();
            }
            if (current.length() > start) {
                current.append(' ');
            }
            current.append(word);
        }
        lines.add(current.toString());
        return lines;
    }

    private static String leading(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return line.substring(0, i);
    }
}
