package dev.portd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portd.support.PortdProcess;
import dev.portd.support.Shell;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The "done when", in a network namespace of its own so the well-known ports are ours:
 * {@code portd serve} as root serves all six services on their ports, TCP and UDP, to nc; as
 * nobody it refuses with the privilege message; as nobody with {@code --port-offset 10000} it serves
 * them on 100xx.
 */
class WellKnownPortsIT {

    @Test
    void defaultConfigOnWellKnownPortsAsRootAndOffsetAsNobody() throws Exception {
        assumeTrue(Shell.isRoot() && Shell.has("unshare") && Shell.has("nc") && Shell.has("setpriv"),
                "needs root, unshare, setpriv and nc (netcat-openbsd)");
        // its own network namespace owns the well-known ports; its own mount namespace a fresh /run
        String java = PortdProcess.java();
        String jar = PortdProcess.worldReadableJar().toString();
        String script = """
                set -u
                ip link set lo up
                wait_for() {  # bounded: 300 polls of 0.1 s
                    for i in $(seq 300); do grep -q serving "$1" && return 0; sleep 0.1; done; return 1
                }
                mount -t tmpfs tmpfs /run     # the portmapper's /run/rpcbind.sock and state stay in here
                JAVA=%s; JAR=%s; T=$(mktemp -d); chmod 755 $T
                mkdir $T/root $T/nobody; chown nobody $T/nobody
                cd $T/root                     # services with relative paths (mail, public) write here
                $JAVA -jar $JAR serve > $T/root.out 2> $T/root.err & ROOT=$!
                wait_for $T/root.out || { echo "root portd did not start"; cat $T/root.err; }
                echo "echo-tcp=[$(printf 'hi there\\n' | nc -N 127.0.0.1 7)]"
                echo "echo-udp=[$(printf 'ping' | nc -u -w1 127.0.0.1 7)]"
                echo "discard-tcp=[$(printf 'gone\\n' | nc -N 127.0.0.1 9)]"
                echo "daytime-tcp=[$(nc -N 127.0.0.1 13 < /dev/null)]"
                echo "daytime-udp=[$(printf x | nc -u -w1 127.0.0.1 13)]"
                echo "qotd-tcp-bytes=$(nc -N 127.0.0.1 17 < /dev/null | wc -c)"
                echo "chargen-tcp=[$(nc 127.0.0.1 19 < /dev/null | head -c 74)]"
                echo "chargen-udp-bytes=$(printf x | nc -u -w1 127.0.0.1 19 | wc -c)"
                echo "time-tcp-bytes=$(nc -N 127.0.0.1 37 < /dev/null | wc -c)"
                echo "time-udp-bytes=$(printf x | nc -u -w1 127.0.0.1 37 | wc -c)"
                echo "time6-tcp-bytes=$(nc -N ::1 37 < /dev/null | wc -c)"
                cd $T/nobody
                setpriv --reuid=nobody --regid=nogroup --clear-groups $JAVA -jar $JAR serve > $T/nobody.out 2> $T/nobody.err
                echo "nobody-exit=$?"
                echo "nobody-denied=$(grep -c 'permission denied: ports below 1024 need root or CAP_NET_BIND_SERVICE' $T/nobody.err)"
                setpriv --reuid=nobody --regid=nogroup --clear-groups $JAVA -jar $JAR serve --port-offset 10000 > $T/offset.out 2> $T/offset.err & OFFSET=$!
                wait_for $T/offset.out || { echo "offset portd did not start"; cat $T/offset.err; }
                echo "offset-echo=[$(printf 'offset\\n' | nc -N 127.0.0.1 10007)]"
                echo "offset-time-bytes=$(printf x | nc -u -w1 127.0.0.1 10037 | wc -c)"
                kill -TERM $ROOT $OFFSET
                wait $ROOT; echo "root-exit=$?"
                wait $OFFSET; echo "offset-exit=$?"
                """.formatted(java, jar);
        var r = Shell.run(Duration.ofMinutes(3), List.of("unshare", "-n", "-m", "bash", "-c", script));
        String out = r.out();
        assertThat(out).contains("echo-tcp=[hi there]", "echo-udp=[ping]", "discard-tcp=[]",
                "qotd-tcp-bytes=", "time-tcp-bytes=4", "time-udp-bytes=4", "time6-tcp-bytes=4",
                "chargen-tcp=[ !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r]",
                "nobody-exit=2", "nobody-denied=" + ServeProcessIT.privilegedListeners(1024), "offset-echo=[offset]", "offset-time-bytes=4",
                "root-exit=0", "offset-exit=0");
        assertThat(out).containsPattern("daytime-tcp=\\[\\w+day, \\w+ \\d{1,2}, \\d{4} \\d\\d:\\d\\d:\\d\\d \\S+\r\\]");
        assertThat(out).containsPattern("daytime-udp=\\[\\w+day, ");
        assertThat(out).containsPattern("chargen-udp-bytes=\\d+");
    }
}
