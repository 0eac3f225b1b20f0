package dev.portd.service.exec;

import dev.portd.host.Host;
import dev.portd.service.Service;
import dev.portd.service.ServiceKind;
import dev.portd.service.ServiceKinds;
import io.netty.channel.Channel;
import java.util.List;
import java.util.function.Consumer;

/**
 * Embedded hosts whose exec kind lets a test act on each new connection before exec's own handler
 * is added (a handler of its own in front, a socket option), through the embedded API's list of
 * kinds. {@link #of} finds the service to read its counters.
 */
record HookedExec(ExecService exec, Consumer<Channel> hook) implements Service {

    static Host start(String toml, Consumer<Channel> hook) {
        List<ServiceKind> kinds = ServiceKinds.BUILT_IN.stream()
                .map(k -> !k.name().equals("exec") ? k : new ServiceKind(k.name(), k.defaultPort(), k.protocols(),
                        ctx -> new HookedExec(new ExecService(ctx), hook), k.summary(), k.options(), k.rule(), k.check(),
                        k.answersAnyDatagram(), k.amplifiesOverUdp()))
                .toList();
        return Host.builder(kinds).toml(toml).start();
    }

    /** The one exec service of {@code host}. */
    static ExecService of(Host host) {
        return host.servicesOf(HookedExec.class).get(0).exec();
    }

    @Override
    public void initStream(Channel connection) {
        hook.accept(connection);
        exec.initStream(connection);
    }

    @Override
    public void initDatagram(Channel socket) {
        exec.initDatagram(socket);
    }

    @Override
    public void started() {
        exec.started();
    }

    @Override
    public void stopped() {
        exec.stopped();
    }
}
