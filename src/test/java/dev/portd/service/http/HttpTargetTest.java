package dev.portd.service.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpTargetTest {

    @ParameterizedTest
    @CsvSource({
            "/,                        /",
            "/a/b.txt,                 /a/b.txt",
            "/a//b/./c/,               /a/b/c/",
            "/a%20b/%C3%A9.txt,        /a b/é.txt",
            "/.well-known/x,           /.well-known/x",
            "http://example.org/a?q=1, /a",
            "http://example.org,       /"})
    void normalisesPaths(String uri, String path) throws Exception {
        assertThat(HttpTarget.parse(uri).path()).isEqualTo(path);
    }

    @Test
    void keepsTheQueryAndSplitsSegments() throws Exception {
        HttpTarget t = HttpTarget.parse("/a/b%2Fc/?x=1&y");
        assertThat(t.query()).isEqualTo("?x=1&y");
        assertThat(t.segments()).containsExactly("a", "b", "c");
        assertThat(t.path()).isEqualTo("/a/b/c/");
    }

    @ParameterizedTest
    @CsvSource({
            "/../etc/passwd, 403", "/a/../../x, 403", "/%2e%2e/x, 403", "/%2E%2e/x, 403", "/a%2f..%2f..%2fx, 403",
            "/..%5cx, 403", "/a\\b, 403", "/%00, 400", "/a%0d%0aX: y, 400", "/%zz, 400", "/%e9, 400",
            "/%c0%ae%c0%ae/x, 400", "*, 400", "a/b, 400", "/a#frag, 400"})
    void refusesTargetsThatCouldLeaveTheRoot(String uri, int status) {
        assertThatThrownBy(() -> HttpTarget.parse(uri)).isInstanceOfSatisfying(HttpTarget.Refused.class,
                e -> assertThat(e.status).as(uri).isEqualTo(status));
    }
}
