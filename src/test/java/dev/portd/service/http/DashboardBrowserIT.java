package dev.portd.service.http;

import dev.portd.support.PortdProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard of a real {@code portd serve} in headless Chromium, driven by Selenium, at a desktop
 * size (1280x900) and a phone's (390x844); screenshots go to target/screenshots/. In order, so the
 * later screenshots show the traffic and mail of the earlier tests.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final Path SHOTS = Path.of(System.getProperty("portd.root", "."), "target", "screenshots");

    @TempDir
    static Path dir;
    static PortdProcess portd;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)");
        Path config = dir.resolve("portd.toml");
        Files.writeString(config, "[host]\nbind = \"127.0.0.1\"\ngrace = \"200ms\"\n"
                + "[services.echo]\nport = 0\nprotocols = [\"tcp\"]\n"
                + "[services.clock]\nkind = \"daytime\"\nport = 0\nprotocols = [\"tcp\"]\n"
                + "[services.smtp]\nport = 0\nmaildir = \"" + dir.resolve("mail") + "\"\nstarttls = false\n"
                + "[services.portmapper]\nport = 0\n"
                + "[services.dashboard]\nport = 0\n");
        portd = PortdProcess.serve(config);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")),
                "--window-size=1280,900", "--force-prefers-reduced-motion");
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (portd != null) {
            portd.close();
        }
    }

    /** The viewport of a desktop browser window, or of a phone (touch, device pixels 3x). */
    private static void desktop() {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 1280, "height", 900, "deviceScaleFactor", 1, "mobile", false));
    }

    private static void phone() {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
    }

    private static String url() {
        return "http://127.0.0.1:" + portd.tcpPort("dashboard") + "/";
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static WebDriverWait await15() {
        return new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    private static WebElement cell(String service, String label) {
        return browser.findElement(By.cssSelector("#services tr[data-service='" + service + "'] td[data-label='" + label + "']"));
    }

    /** The viewport as a PNG; with {@code whole}, the whole page's height (Chromium draws beyond the viewport). */
    private static void screenshot(String name, boolean whole) throws Exception {
        Map<String, Object> args = whole ? Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", ((Number) js("return innerWidth")).intValue(),
                        "height", ((Number) js("return document.documentElement.scrollHeight")).intValue(), "scale", 1))
                : Map.of("format", "png");
        Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot", args);
        Files.write(SHOTS.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
    }

    private static long chartSum(String series) {
        return ((Number) js("return portd.charts.series(arguments[0]).reduce((a, b) => a + b, 0)", series)).longValue();
    }

    @Test
    @Order(1)
    void tableShowsServicesAndANewEchoConnectionWithoutReload() throws Exception {
        desktop();
        browser.get(url());
        WebDriverWait wait = await15();
        wait.until(b -> b.findElements(By.cssSelector("#services tbody tr")).size() == 5);
        List<String> services = browser.findElements(By.cssSelector("#services tbody tr")).stream()
                .map(r -> r.getDomAttribute("data-service")).toList();
        assertThat(services).containsExactly("echo", "clock", "smtp", "portmapper", "dashboard");
        assertThat(cell("echo", "Listening on").getText()).isEqualTo("tcp 127.0.0.1:" + portd.tcpPort("echo"));
        assertThat(cell("echo", "Connections").getText()).isEqualTo("0");
        assertThat(browser.findElement(By.id("transport")).getText()).isIn("epoll", "nio", "io_uring");
        js("window.stillTheSamePage = true;");

        try (Socket echo = new Socket(InetAddress.getLoopbackAddress(), portd.tcpPort("echo"))) {
            echo.getOutputStream().write("hi\n".getBytes());
            echo.getInputStream().readNBytes(3);
            wait.until(b -> cell("echo", "Connections").getText().equals("1") && cell("echo", "Open").getText().equals("1"));
            assertThat(cell("echo", "In").getText()).startsWith("3 B");
        }
        wait.until(b -> cell("echo", "Open").getText().equals("0"));
        assertThat(js("return window.stillTheSamePage === true;")).isEqualTo(true);
        assertThat(browser.findElement(By.id("live-text")).getText()).isEqualTo("live");
    }

    @Test
    @Order(2)
    void pageShowsTheHostBeforeAnyUpdateArrives() {
        desktop();
        // no event stream and no answer to fetch: what shows is what the server wrote into the page
        Map<String, Object> script = Map.of("source", "window.errors = [];"
                + "addEventListener('error', (e) => errors.push(e.message + ' ' + e.filename + ':' + e.lineno));"
                + "delete window.EventSource; window.fetch = () => new Promise(() => {});");
        String id = (String) browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", script).get("identifier");
        try {
            browser.get(url());
            // without an event stream or fetch, the rows can only come from the page itself
            await15().until(b -> b.findElements(By.cssSelector("#services tbody tr")).size() == 5);
            assertThat((List<?>) js("return window.errors")).isEmpty();
            assertThat(browser.findElement(By.id("transport")).getText()).isIn("epoll", "nio", "io_uring");
            assertThat(browser.findElement(By.id("uptime")).getText()).matches("\\d+[dhms].*");
            assertThat(browser.findElement(By.id("live-text")).getText()).isEqualTo("connecting…");
            assertThat(browser.findElements(By.cssSelector("#traffic .uplot"))).hasSize(3);
        } finally {
            browser.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", id));
        }
    }

    @Test
    @Order(3)
    void chartsShowTheHostOrOneServiceAndSurviveAReload() throws Exception {
        desktop();
        browser.get(url());
        WebDriverWait wait = await15();
        wait.until(b -> b.findElements(By.cssSelector("#traffic .uplot")).size() == 3);
        assertThat(browser.findElements(By.cssSelector("#traffic canvas"))).hasSize(3);
        long before = ((Number) js("return portd.charts.services.echo.connections.reduce((a, b) => a + b, 0)")).longValue();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            // a few seconds of traffic, so the chart has a shape (and the screenshot something to show)
            ScheduledFuture<?> traffic = echoTraffic(timer);
            await().atMost(Duration.ofSeconds(30)).until(() -> traffic.isDone() || ((Number) js(
                    "return portd.charts.services.echo.connections.filter((v) => v > 0).length")).intValue() >= 5);
            traffic.cancel(false);
        } finally {
            timer.shutdown();
            assertThat(timer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        browser.findElement(By.cssSelector("#services tr[data-service='echo']")).click();
        assertThat(browser.findElement(By.id("chart-scope")).getText()).isEqualTo("echo, last 15 minutes");
        assertThat(browser.findElement(By.cssSelector("#services tr[data-service='echo']")).getDomAttribute("class")).contains("sel");
        // every connection made reaches the chart within a few events
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(chartSum("connections")).isEqualTo(Long.parseLong(cell("echo", "Connections").getText().replace(",", "")));
            assertThat(chartSum("bytesIn")).isEqualTo(chartSum("bytesOut"));
        });
        long echoConnections = chartSum("connections");
        assertThat(echoConnections).isGreaterThan(before);
        assertThat(chartSum("bytesIn")).isGreaterThanOrEqualTo(echoConnections * 7);
        screenshot("dashboard-desktop", false);
        browser.findElement(By.cssSelector("#services tr[data-service='dashboard']")).click();
        assertThat(chartSum("connections")).as("the dashboard's own").isLessThan(echoConnections);
        browser.findElement(By.id("chart-host")).click();
        assertThat(browser.findElement(By.id("chart-scope")).getText()).isEqualTo("host, last 15 minutes");
        assertThat(chartSum("connections")).isGreaterThan(echoConnections);

        browser.navigate().refresh();
        // before any event: the history came with the page
        assertThat(((Number) js("return portd.charts.services.echo.connections.reduce((a, b) => a + b, 0)")).longValue())
                .isGreaterThanOrEqualTo(echoConnections);
    }

    /** An echo connection every 50 ms, each sending one line, until cancelled. */
    private static ScheduledFuture<?> echoTraffic(ScheduledExecutorService timer) {
        AtomicInteger n = new AtomicInteger();
        return timer.scheduleAtFixedRate(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), portd.tcpPort("echo"))) {
                byte[] line = ("line " + n.incrementAndGet() + "\n").getBytes(StandardCharsets.US_ASCII);
                s.getOutputStream().write(line);
                s.getInputStream().readNBytes(line.length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
    }

    @Test
    @Order(4)
    void polishKindBadgesRefusedCardAndRpcAddresses() {
        desktop();
        browser.get(url());
        WebDriverWait wait = await15();
        wait.until(b -> !b.findElements(By.cssSelector("#rpc-table tbody tr")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#services tr[data-service='echo'] .kind"))).isEmpty();
        assertThat(browser.findElement(By.cssSelector("#services tr[data-service='clock'] .kind")).getText()).isEqualTo("daytime");
        assertOneLine("Refused · Dropped");

        List<WebElement> rows = browser.findElements(By.cssSelector("#rpc-table tbody tr"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getText()).contains("portd itself").contains("registrations");
        rows.get(0).click();
        String port = String.valueOf(portd.tcpPort("portmapper"));
        WebElement tcp = browser.findElements(By.cssSelector("#rpc-table tr.own")).stream()
                .filter(r -> r.findElements(By.tagName("td")).get(3).getText().equals("tcp")).findFirst().orElseThrow();
        WebElement address = tcp.findElement(By.cssSelector("td.addr"));
        assertThat(address.getText()).isEqualTo("127.0.0.1:" + port);
        int p = Integer.parseInt(port);
        assertThat(address.getDomAttribute("title")).isEqualTo("127.0.0.1." + (p >> 8) + "." + (p & 0xff));
    }

    /** The page is no wider than the screen (what is wider scrolls inside its own box). */
    private static void assertNoSidewaysScroll() {
        assertThat(((Number) js("return document.documentElement.scrollWidth")).intValue())
                .as("page width").isLessThanOrEqualTo(((Number) js("return innerWidth")).intValue());
    }

    private static void assertOneLine(String label) {
        WebElement refused = browser.findElements(By.cssSelector(".card .label")).stream()
                .filter(e -> e.getText().equalsIgnoreCase(label)).findFirst().orElseThrow();
        WebElement uptime = browser.findElements(By.cssSelector(".card .label")).get(0);
        assertThat(refused.getSize().getHeight()).as(label + " on one line").isEqualTo(uptime.getSize().getHeight());
        assertThat(((Number) js("return arguments[0].scrollWidth - arguments[0].clientWidth", refused)).intValue())
                .as(label + " not cut").isLessThanOrEqualTo(0);
    }

    @Test
    @Order(5)
    void mailWithAnAttachmentAppearsWithoutReloadAndTextOnlyMailGreysOutHtml() throws Exception {
        desktop();
        browser.get(url());
        WebDriverWait wait = await15();
        wait.until(b -> b.findElement(By.id("mail")).isDisplayed());
        sendMail("Seen in the browser", "Subject: Seen in the browser\r\n\r\nHello.\r\n");
        sendMail("Figures attached", "Subject: Figures attached\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe figures are attached.\r\n"
                + "--b1\r\nContent-Type: text/csv; name=\"figures.csv\"\r\n"
                + "Content-Disposition: attachment; filename=\"../figures.csv\"\r\n\r\nmonth,total\r\njan,42\r\n"
                + "--b1--\r\n");
        wait.until(b -> b.findElement(By.id("mail-list")).getText().contains("Seen in the browser")
                && b.findElement(By.id("mail-list")).getText().contains("Figures attached"));
        clickMail("Figures attached");
        wait.until(b -> b.findElement(By.id("mail-attachments")).isDisplayed());
        WebElement link = browser.findElement(By.cssSelector("#mail-attachments a"));
        assertThat(link.getText()).isEqualTo("../figures.csv");
        assertThat(browser.findElement(By.id("mail-attachments")).getText()).contains("text/csv · 19 B");
        Object disposition = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0]).then((r) => done(r.headers.get('content-disposition')));", link.getDomAttribute("href"));
        assertThat(disposition).isEqualTo("attachment; filename=\"figures.csv\"; filename*=UTF-8''figures.csv");
        WebElement htmlTab = browser.findElement(By.cssSelector(".tabs button[data-tab='html']"));
        assertThat(htmlTab.isEnabled()).as("text-only mail: no HTML tab").isFalse();
        assertThat(browser.findElement(By.id("mail-text")).getText()).isEqualTo("The figures are attached.");
        js("arguments[0].scrollIntoView()", browser.findElement(By.id("mail")));
        screenshot("dashboard-mail-desktop", false);
    }

    private static void sendMail(String subject, String message) throws Exception {
        try (Socket smtp = new Socket(InetAddress.getLoopbackAddress(), portd.tcpPort("smtp"))) {
            smtp.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(smtp.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = smtp.getOutputStream();
            in.readLine();   // 220 greeting
            out.write(("HELO browser.test\r\nMAIL FROM:<app@example.org>\r\nRCPT TO:<dev@example.org>\r\nDATA\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("354"));
            out.write((message + ".\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("250 2.0.0"));
            assertThat(line).as(subject + " was accepted").startsWith("250 2.0.0");
        }
    }

    @Test
    @Order(6)
    void onAPhoneThePageDoesNotScrollSideways() throws Exception {
        phone();
        try {
            browser.get(url());
            WebDriverWait wait = await15();
            wait.until(b -> !b.findElements(By.cssSelector("#rpc-table tbody tr")).isEmpty()
                    && b.findElements(By.cssSelector("#traffic .uplot")).size() == 3);
            assertThat(((Number) js("return innerWidth")).intValue()).isEqualTo(390);
            assertNoSidewaysScroll();
            assertOneLine("Refused · Dropped");
            for (WebElement chart : browser.findElements(By.cssSelector("#traffic .uplot"))) {
                assertThat(chart.getRect().getX() + chart.getSize().getWidth()).isLessThanOrEqualTo(390);
            }
            screenshot("dashboard-phone", false);
            js("document.querySelector('header').style.position = 'static'");   // sticky: it would float mid-picture
            screenshot("dashboard-phone-whole", true);
            System.out.println("dashboard on a 390x844 phone: page height "
                    + js("return document.documentElement.scrollHeight") + " px");
            browser.findElement(By.cssSelector("#rpc-table tr.fold")).click();   // the widest table, unfolded
            assertThat(browser.findElements(By.cssSelector("#rpc-table tr.own"))).isNotEmpty();
            assertNoSidewaysScroll();
            clickMail("");
            await15().until(b -> b.findElement(By.id("mail-view")).isDisplayed());
            assertNoSidewaysScroll();
        } finally {
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /**
     * Clicks the first message whose entry contains {@code text}. The list is drawn anew every few
     * seconds, so an entry found may be replaced before the click lands: find it again then.
     */
    private void clickMail(String text) {
        await15().ignoring(StaleElementReferenceException.class).until(b -> {
            for (WebElement li : b.findElements(By.cssSelector("#mail-list li[data-id]"))) {
                if (li.getText().contains(text)) {
                    li.click();
                    return true;
                }
            }
            return false;
        });
    }
}
