package dev.portd;

import dev.portd.cli.CheckCommand;
import dev.portd.cli.ImportCommand;
import dev.portd.cli.ExitCodes;
import dev.portd.cli.HelpFooter;
import dev.portd.cli.LoadCommand;
import dev.portd.cli.LookupCommand;
import dev.portd.cli.ScanCommand;
import dev.portd.cli.ReloadCommand;
import dev.portd.cli.ServeCommand;
import dev.portd.cli.ServicesCommand;
import dev.portd.cli.WhoCommand;
import dev.portd.config.ConfigException;
import dev.portd.config.Suggest;
import dev.portd.host.BindFailedException;
import dev.portd.host.BindProblem;
import java.io.PrintWriter;
import java.util.List;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code portd} command: the table of subcommands, and the one place where a result becomes an
 * exit code: 0 done, 1 internal error (a bug, logged with its stack trace), 2 refused (bad usage,
 * config or bind), 130 interrupted (scan and load print their partial results first).
 */
@Command(name = "portd", mixinStandardHelpOptions = true, version = "portd " + Portd.VERSION,
        description = {"Serves the Internet's well-known-port services and finds the others.", ""},
        footer = {"", "Examples:",
                "  portd serve                        serve config/portd.toml (needs root for ports < 1024)",
                "  portd serve --port-offset 10000    the same on 10007, 10009, ... as any user",
                "  portd reload                       make the running portd re-read its config",
                "  portd check --config my.toml       validate a config and show what it would serve",
                "  portd lookup echo                  where this host serves echo (asks its portmapper)",
                "  portd scan 127.0.0.1 -p -          which of the 65535 TCP ports are open",
                "  portd who 80                       which process holds port 80",
                "  portd services smtp                the ports named smtp, and their numbers",
                "  portd load echo 127.0.0.1:10007    load an echo service: round trips/s, latency, errors",
                "  portd import xinetd /etc/xinetd.d  an xinetd config as portd's TOML",
                "", "Exit codes:",
                "  0    done",
                "  1    internal error (a bug; logged with its stack trace)",
                "  2    refused: bad usage, config or bind (each problem listed)",
                "  3    portd lookup: nothing registered under that name",
                "  130  interrupted by Ctrl-C (scan and load print what they have so far)"})
public final class Portd implements Runnable {
    public static final String VERSION = "0.1.0";
    public static final int OK = ExitCodes.OK;
    public static final int INTERNAL_ERROR = ExitCodes.INTERNAL_ERROR;
    public static final int REFUSED = ExitCodes.REFUSED;
    public static final int INTERRUPTED = ExitCodes.INTERRUPTED;
    public static final String PREFIX = ExitCodes.PREFIX;
    /** The subcommands, in the order {@code portd --help} lists them. */
    static final List<Class<?>> COMMANDS = List.of(ServeCommand.class, ReloadCommand.class, CheckCommand.class,
            LookupCommand.class, ScanCommand.class, WhoCommand.class, ServicesCommand.class, LoadCommand.class,
            ImportCommand.class, CommandLine.HelpCommand.class);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "give a command, e.g. portd serve (portd --help lists them)");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given writers and returns the exit code; used by tests too. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Portd());
        Class<?> named = args.length == 0 ? null : named(args[0]);
        for (Class<?> command : COMMANDS) {
            if (named == null || command == named) {
                cli.addSubcommand(command);
            }
        }
        cli.setOut(out);
        cli.setErr(err);
        cli.setUsageHelpAutoWidth(true);
        HelpFooter.install(cli);
        cli.setParameterExceptionHandler(Portd::badUsage);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter w = commandLine.getErr();
            if (e instanceof ConfigException c) {
                c.problems().forEach(w::println);
                w.println("portd: the config has " + c.problems().size() + (c.problems().size() == 1
                        ? " problem" : " problems") + "; nothing was started");
                w.flush();
                return REFUSED;
            }
            if (e instanceof BindFailedException b) {
                b.problems().stream().map(BindProblem::toString).forEach(w::println);
                w.println("portd: " + b.problems().size() + " of the listeners could not be bound;"
                        + " nothing was started");
                w.flush();
                return REFUSED;
            }
            if (e instanceof ServeCommand.UpgradeFailedException u) {
                w.println(u.getMessage());
                w.flush();
                return REFUSED;
            }
            LoggerFactory.getLogger(Portd.class).error("internal error (a bug: please report it)", e);
            w.flush();
            return INTERNAL_ERROR;
        });
        return cli.execute(args);
    }

    /**
     * The subcommand a command line runs, when its first word names one; then only that one is built.
     * picocli builds a command's whole model (options, help texts, converters) when it is added, which
     * for all ten was about a sixth of a one-port scan's CPU time. {@code help} takes another
     * command's name, and anything else (no command, --help, a mistyped name) may need them all: null.
     */
    static Class<?> named(String word) {
        for (Class<?> command : COMMANDS) {
            if (command != CommandLine.HelpCommand.class && command.getAnnotation(Command.class).name().equals(word)) {
                return command;
            }
        }
        return null;
    }

    /**
     * Bad usage: one line saying what is wrong (with the nearest option or command when one was
     * mistyped) and where the usage is, instead of the whole usage message.
     */
    static int badUsage(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(PREFIX + describe(e));
        err.println("see `" + command.getCommandSpec().qualifiedName() + " --help`");
        err.flush();
        return REFUSED;
    }

    private static String describe(ParameterException e) {
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            String what = first.startsWith("-") ? "unknown option " : u.getCommandLine().getSubcommands().isEmpty()
                    ? "unexpected argument " : "unknown command ";
            String near = first.startsWith("-")
                    ? Suggest.closest(first.replaceFirst("=.*", ""), u.getCommandLine().getCommandSpec().optionsMap().keySet())
                    : Suggest.closest(first, u.getCommandLine().getSubcommands().keySet());
            return what + first + (near == null ? "" : "; did you mean " + near + "?");
        }
        String m = e.getMessage();
        return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }
}
