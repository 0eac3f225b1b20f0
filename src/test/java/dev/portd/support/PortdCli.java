package dev.portd.support;

import dev.portd.Portd;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a portd command line in-process with captured output, as a user's terminal would see it. */
public record PortdCli(int exit, String out, String err) {

    public static PortdCli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Portd.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new PortdCli(exit, out.toString(), err.toString());
    }
}
