package dev.portd.cli;

import dev.portd.support.PortdCli;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Bad usage: one line saying what is wrong, one pointing at the help; exit code 2; never the whole usage. */
class UsageErrorsTest {

    private static void assertRefused(String expected, String... args) {
        PortdCli r = PortdCli.run(args);
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).isEqualTo(expected);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void mistypedOptionNamesTheNearestOne() {
        assertRefused("portd: unknown option --prot-offset; did you mean --port-offset?\nsee `portd serve --help`\n",
                "serve", "--prot-offset", "10000");
    }

    @Test
    void mistypedOptionWithItsValueAttachedNamesTheNearestOne() {
        assertRefused("portd: unknown option --prot-offset=10000; did you mean --port-offset?\nsee `portd check --help`\n",
                "check", "--prot-offset=10000");
    }

    @Test
    void mistypedScanOptionNamesTheNearestOne() {
        assertRefused("portd: unknown option --banner; did you mean --banners?\nsee `portd scan --help`\n",
                "scan", "127.0.0.1", "--banner");
    }

    @Test
    void optionFarFromEveryNameGetsNoGuess() {
        assertRefused("portd: unknown option --frobnicate\nsee `portd who --help`\n", "who", "--frobnicate");
    }

    @Test
    void mistypedCommandNamesTheNearestOne() {
        assertRefused("portd: unknown command serv; did you mean serve?\nsee `portd --help`\n", "serv");
    }

    @Test
    void missingParameterSaysWhich() {
        assertRefused("portd: missing required parameter: 'TARGET'\nsee `portd scan --help`\n", "scan");
    }

    @Test
    void badNumberSaysWhichOption() {
        assertRefused("portd: invalid value for option '--port-offset': 'x' is not an int\nsee `portd check --help`\n",
                "check", "--port-offset", "x");
    }

    @Test
    void commandsOwnCheckHasThePrefixToo() {
        assertRefused("portd: -c 0: give 1 to 1,000,000 connections\nsee `portd load --help`\n",
                "load", "echo", "127.0.0.1:7", "-c", "0");
    }

    @Test
    void noCommandSaysHowToGiveOne() {
        assertRefused("portd: give a command, e.g. portd serve (portd --help lists them)\nsee `portd --help`\n");
    }

    @Test
    void topLevelHelpListsTheExitCodes() {
        PortdCli r = PortdCli.run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Exit codes:\n  0    done\n  1    internal error",
                "  2    refused: bad usage, config or bind", "  130  interrupted by Ctrl-C");
    }

    @Test
    void helpExamplesWrapAtWordsUnderTheirColumn() {
        for (String command : new String[] {"serve", "scan", "load", "lookup", "who", "services", "check"}) {
            PortdCli r = PortdCli.run(command, "--help");
            String footer = r.out().substring(r.out().indexOf("Examples:"));
            assertThat(footer.lines()).as(command).allMatch(l -> l.length() <= 80);
        }
        String top = PortdCli.run("--help").out();
        assertThat(top).contains("  portd serve                        serve config/portd.toml (needs root for\n"
                + "                                     ports < 1024)\n");
    }

    @Test
    void wrappingKeepsTheIndentationOfProseAndLongCommands() {
        assertThat(HelpFooter.wrap("  portd load idle 127.0.0.1:10007 -c 50000 --source 127.0.0.2-127.0.0.9 -d 30s --json", 60))
                .containsExactly("  portd load idle 127.0.0.1:10007 -c 50000 --source",
                        "      127.0.0.2-127.0.0.9 -d 30s --json");
        assertThat(HelpFooter.wrap("  portd scan 127.0.0.1 -p 1-1024 --banners   a long comment that wraps", 50))
                .containsExactly("  portd scan 127.0.0.1 -p 1-1024 --banners", "      # a long comment that wraps");
    }
}
