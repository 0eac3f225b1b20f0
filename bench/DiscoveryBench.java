import dev.portd.discovery.ClusterDiscovery;
import dev.portd.discovery.DiscoveryConfig;
import dev.portd.host.Host;
import dev.portd.service.rpc.NamesClient;
import dev.portd.service.rpc.RpcClient;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;

/**
 * Discovery figures: lookups/s from a host's cache over its names program (version 2), GETPORT/s
 * from rpcbind and from portd's portmapper with the same Java client, lookups/s straight to
 * ZooKeeper, registrations/s of 1,000 services, and the time from SIGKILL of a portd process to its
 * disappearance (10 kills). ZooKeeper is curator-test's in-process server (tickTime 1 s).
 *
 * Run by bench/discovery.sh (inside a network namespace where rpcbind owns port 111):
 *   java -cp CLASSPATH bench/DiscoveryBench.java SECONDS THREADS KILLS
 */
public class DiscoveryBench {
    static final Duration T = Duration.ofSeconds(5);

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        int kills = Integer.parseInt(args[2]);
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 1000, -1);
        try (TestingServer zk = new TestingServer(spec, true);
             Host host = Host.builder().service("echo").service("portmapper").start();
             ClusterDiscovery cluster = ClusterDiscovery.start(new DiscoveryConfig(zk.getConnectString(), "/portd",
                     "bench", Duration.ofSeconds(4), null), host, "bench")) {
            host.servicesOf(dev.portd.service.ClusterAware.class).forEach(s -> s.cluster(cluster));
            while (cluster.entries().size() < 4) {   // echo tcp/udp, portmapper tcp/udp
                Thread.sleep(50);
            }
            InetSocketAddress names = new InetSocketAddress(InetAddress.getLoopbackAddress(), host.tcpPort("portmapper"));
            InetSocketAddress rpcbind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 111);
            for (int n : new int[] {1, threads}) {
                report("names v2 LOOKUP echo (host cache), tcp", n, rate(seconds, n, () -> {
                    RpcClient c = RpcClient.tcp(names, T);
                    return () -> NamesClient.cluster(c, "echo").names().size() == 2;
                }));
                report("GETPORT rpcbind, tcp", n, rate(seconds, n, () -> {
                    RpcClient c = RpcClient.tcp(rpcbind, T);
                    return () -> c.call(100000, 2, 3, b -> b.writeInt(100000).writeInt(2).writeInt(6).writeInt(0))
                            .success();
                }));
                report("GETPORT portd portmapper, tcp", n, rate(seconds, n, () -> {
                    RpcClient c = RpcClient.tcp(names, T);
                    return () -> c.call(100000, 2, 3, b -> b.writeInt(100000).writeInt(2).writeInt(6).writeInt(0))
                            .success();
                }));
                report("ZooKeeper queryForInstances(echo)", n, rate(seconds, n, () -> {
                    CuratorFramework c = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
                    c.start();
                    c.blockUntilConnected();
                    ServiceDiscovery<Object> d = ServiceDiscoveryBuilder.builder(Object.class).client(c)
                            .basePath("/portd").build();
                    return () -> d.queryForInstances("echo").size() == 2;
                }));
            }
            // the first scenario of the run pays for the JIT: measure it again once everything is warm
            report("names v2 LOOKUP echo (host cache), again", 1, rate(seconds, 1, () -> {
                RpcClient c = RpcClient.tcp(names, T);
                return () -> NamesClient.cluster(c, "echo").names().size() == 2;
            }));
            registrations(zk.getConnectString());
            killToGone(zk.getConnectString(), cluster, kills);
        }
        System.exit(0);
    }

    interface Call {
        boolean run() throws Exception;
    }

    interface Client {
        Call open() throws Exception;
    }

    static void report(String what, int n, double perSecond) {
        System.out.printf("%-42s %2d client(s) x 1 in flight: %,10.0f /s%n", what, n, perSecond);
    }

    /** Calls per second over {@code seconds} from {@code n} threads, each with its own connection, after a 2 s warm-up. */
    static double rate(int seconds, int n, Client client) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<Long>> done = new ArrayList<>();
        long warm = System.nanoTime() + 2_000_000_000L;   // 2 s warm-up: the JIT, on a busy machine
        long end = warm + seconds * 1_000_000_000L;
        for (int i = 0; i < n; i++) {
            done.add(pool.submit((Callable<Long>) () -> {
                Call call = client.open();
                long count = 0;
                for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                    if (!call.run()) {
                        throw new IllegalStateException("wrong answer");
                    }
                    if (now >= warm) {
                        count++;
                    }
                }
                return count;
            }));
        }
        long total = 0;
        for (Future<Long> f : done) {
            total += f.get();
        }
        pool.shutdownNow();
        return total / (double) seconds;
    }

    /** 1,000 ephemeral instances registered one after another by one client, as HostPublisher does. */
    static void registrations(String connect) throws Exception {
        try (CuratorFramework c = CuratorFrameworkFactory.newClient(connect, new RetryOneTime(100))) {
            c.start();
            c.blockUntilConnected();
            ServiceDiscovery<Object> d = ServiceDiscoveryBuilder.builder(Object.class).client(c).basePath("/bench").build();
            d.start();
            long t0 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                d.registerService(ServiceInstance.builder().name("svc" + i).id("bench:" + i).address("127.0.0.1")
                        .port(10000 + i).build());
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("registrations: 1,000 services in %.2f s = %,.0f /s (one client, one at a time)%n", s, 1000 / s);
            d.close();
        }
    }

    /** Starts a portd process that joins the cluster, SIGKILLs it, and times until its entries leave the watched cache. */
    static void killToGone(String connect, ClusterDiscovery watcher, int kills) throws Exception {
        Path dir = Files.createTempDirectory("portd-kill");
        Path toml = dir.resolve("victim.toml");
        Files.writeString(toml, "[host]\nbind = \"127.0.0.1\"\n[services.echo]\nport = 0\n[discovery]\nzookeeper = \""
                + connect + "\"\nhost_name = \"victim\"\nsession_timeout = \"4s\"\n");
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx128m", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), "dev.portd.Portd", "serve", "-c", toml.toString())
                    .redirectOutput(new File("/dev/null")).redirectError(dir.resolve("victim.log").toFile()).start();
            long deadline = System.nanoTime() + 180_000_000_000L;   // a JVM start on a busy machine
            while (watcher.entries().stream().noneMatch(e -> e.host().equals("victim"))) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("victim died: " + Files.readString(dir.resolve("victim.log")));
                }
                Thread.sleep(20);
            }
            long t0 = System.nanoTime();
            p.destroyForcibly();   // SIGKILL
            long gone = System.nanoTime() + 60_000_000_000L;
            while (watcher.entries().stream().anyMatch(e -> e.host().equals("victim"))) {
                if (System.nanoTime() > gone) {
                    throw new IllegalStateException("victim still listed 60 s after SIGKILL");
                }
                Thread.sleep(5);
            }
            ms.add((System.nanoTime() - t0) / 1_000_000);
            p.waitFor();
        }
        Collections.sort(ms);
        System.out.printf("SIGKILL to gone (session_timeout 4 s, tickTime 1 s), %d kills: median %d ms, max %d ms, all %s%n",
                kills, ms.get(ms.size() / 2), ms.get(ms.size() - 1), ms);
    }
}
