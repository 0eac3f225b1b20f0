package dev.portd.cli;

import dev.portd.ports.ServiceNames;
import dev.portd.xinetd.XinetdConfig;
import dev.portd.xinetd.XinetdToToml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code portd import xinetd FILE|DIR}: prints an xinetd configuration as portd's TOML. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print another super-server's config as a portd config, with a comment per service "
                + "and a warning per attribute portd does not map.", ""},
        footer = {"", "Examples:",
                "  portd import xinetd /etc/xinetd.conf      xinetd.conf and what it includes",
                "  portd import xinetd /etc/xinetd.d         every file of a directory, as includedir",
                "  portd import xinetd /etc/xinetd.d > portd.toml && portd check -c portd.toml",
                "", "Exit codes: 0 printed (warnings included), 2 nothing to read."})
public final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FORMAT", description = "The config's format; only xinetd (2.3.x).")
    String format;

    @Parameters(index = "1", paramLabel = "FILE|DIR", description = "xinetd.conf, one xinetd.d file, or a directory.")
    Path path;

    @Override
    public Integer call() {
        if (!format.equals("xinetd")) {
            throw new ParameterException(spec.commandLine(), "unknown format \"" + format + "\"; use xinetd");
        }
        if (!Files.exists(path)) {
            throw new ParameterException(spec.commandLine(), path + ": no such file or directory");
        }
        ServiceNames names = ServiceNames.load();
        XinetdToToml toToml = new XinetdToToml(
                (name, protocol) -> names.byName(name).stream().filter(e -> e.protocol().equals(protocol))
                        .map(ServiceNames.Entry::port).findFirst().map(Optional::of).orElse(Optional.empty()),
                XinetdToToml::executableHere,
                "root".equals(System.getProperty("user.name")), System.getProperty("user.name"));
        spec.commandLine().getOut().print(toToml.convert(XinetdConfig.read(path), path.toString()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
