import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This disk's rate of durable Maildir-style deliveries, the ceiling for portd's durable store:
 * files written, forced and renamed from tmp/ to new/ per second, by each number of threads, without
 * and with a force of new/ after each rename (portd's durable = true does the latter: the rename is
 * on disk before 250).
 * Run: java bench/FsyncRate.java DIR SECONDS [THREADS,...] [BYTES] [both|plain|dir]
 *      (defaults: threads 1,20; 1024 bytes a file; both kinds)
 */
public class FsyncRate {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/fsync-rate");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        int[] counts = java.util.Arrays.stream((args.length > 2 ? args[2] : "1,20").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int bytes = args.length > 3 ? Integer.parseInt(args[3]) : 1024;
        String kinds = args.length > 4 ? args[4] : "both";
        for (int threads : counts) {
            for (boolean dirSync : new boolean[] {false, true}) {
                if (kinds.equals(dirSync ? "plain" : "dir")) {
                    continue;
                }
                double rate = run(dir, threads, dirSync, seconds, bytes);
                System.out.printf("threads=%d write+force+rename%s: %.0f files/s%n", threads,
                        dirSync ? "+force(new/)" : "", rate);
            }
        }
    }

    static double run(Path dir, int threads, boolean dirSync, double seconds, int bytes) throws Exception {
        Path tmp = dir.resolve("tmp");
        Path neu = dir.resolve("new");
        Files.createDirectories(tmp);
        Files.createDirectories(neu);
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts[t] = new Thread(() -> {
                byte[] data = new byte[bytes];
                try (FileChannel d = FileChannel.open(neu, StandardOpenOption.READ)) {
                    for (long n = 0; System.nanoTime() < end; n++) {
                        Path f = tmp.resolve(id + "-" + n);
                        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                            ch.write(ByteBuffer.wrap(data));
                            ch.force(false);
                        }
                        Files.move(f, neu.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                        if (dirSync) {
                            d.force(true);
                        }
                        done.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            ts[t].start();
        }
        long start = System.nanoTime();
        for (Thread t : ts) {
            t.join();
        }
        double rate = done.get() / ((System.nanoTime() - start) / 1e9);
        try (var s = Files.list(neu)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.delete(p);
            }
        }
        return rate;
    }
}
