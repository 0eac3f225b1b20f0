package dev.portd.host;

import java.util.List;
import java.util.stream.Collectors;

/** The host could not bind every listener, so it bound none; each problem says why and what to do. */
public final class BindFailedException extends RuntimeException {
    private final List<BindProblem> problems;

    public BindFailedException(List<BindProblem> problems) {
        super(problems.stream().map(BindProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<BindProblem> problems() {
        return problems;
    }
}
