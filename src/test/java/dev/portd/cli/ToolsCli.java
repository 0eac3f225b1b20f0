package dev.portd.cli;

import dev.portd.Portd;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a portd command line in-process with captured output, for the port tools' CLI tests. */
record ToolsCli(int exit, String out, String err) {

    static ToolsCli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Portd.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new ToolsCli(exit, out.toString(), err.toString());
    }
}
