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
 * files written (1 KiB), forced and renamed from tmp/ to new/ per second, by 1 thread and by 20,
 * without and with a force of new/ after each rename.
 * Run: java bench/FsyncRate.java DIR SECONDS [THREADS,...]   (default threads 1,20)
 */
public class FsyncRate {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/fsync-rate");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        int[] counts = java.util.Arrays.stream((args.length > 2 ? args[2] : "1,20").split(","))
                .mapToInt(Integer::parseInt).toArray();
        for (int threads : counts) {
            for (boolean dirSync : new boolean[] {false, true}) {
                double rate = run(dir, threads, dirSync, seconds);
                System.out.printf("threads=%d write+force+rename%s: %.0f files/s%n", threads,
                        dirSync ? "+force(new/)" : "", rate);
            }
        }
    }

    static double run(Path dir, int threads, boolean dirSync, double seconds) throws Exception {
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
                byte[] data = new byte[1024];
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
