package dev.portd.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests for a path whose look at the disk is under way share that look. */
class HttpFileCacheTest {
    @TempDir
    Path root;

    @Test
    void requestsDuringALookShareItAndALaterOneLooksAgain() throws Exception {
        Files.writeString(root.resolve("a.txt"), "one", StandardCharsets.UTF_8);
        HttpFileCache cache = new HttpFileCache(root);
        List<Runnable> tasks = new ArrayList<>();
        HttpTarget target = HttpTarget.parse("/a.txt");

        CompletableFuture<FileEntry> first = cache.loadShared(target, tasks::add);
        CompletableFuture<FileEntry> second = cache.loadShared(HttpTarget.parse("/a.txt"), tasks::add);
        CompletableFuture<FileEntry> other = cache.loadShared(HttpTarget.parse("/b.txt"), tasks::add);
        assertThat(second).isSameAs(first);
        assertThat(tasks).hasSize(2);   // one look for a.txt, one for b.txt
        tasks.forEach(Runnable::run);
        assertThat(first.get().kind()).isEqualTo(FileEntry.Kind.FILE);
        assertThat(first.get().size()).isEqualTo(3);
        assertThat(other.get().kind()).isEqualTo(FileEntry.Kind.MISSING);

        Files.writeString(root.resolve("a.txt"), "three", StandardCharsets.UTF_8);
        tasks.clear();
        CompletableFuture<FileEntry> later = cache.loadShared(target, tasks::add);
        assertThat(later).isNotSameAs(first);
        assertThat(tasks).hasSize(1);
        tasks.get(0).run();
        assertThat(later.get().size()).isEqualTo(5);
    }
}
