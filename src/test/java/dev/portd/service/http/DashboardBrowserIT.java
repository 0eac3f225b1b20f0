package dev.portd.service.http;

import dev.portd.support.PortdProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard of a real {@code portd serve} in headless Chromium, driven by Selenium. */
class DashboardBrowserIT {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    @TempDir
    static Path dir;
    static PortdProcess portd;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)");
        Path config = dir.resolve("portd.toml");
        Files.writeString(config, "[host]\nbind = \"127.0.0.1\"\ngrace = \"200ms\"\n"
                + "[services.echo]\nport = 0\nprotocols = [\"tcp\"]\n"
                + "[services.smtp]\nport = 0\nmaildir = \"" + dir.resolve("mail") + "\"\nstarttls = false\n"
                + "[services.portmapper]\nport = 0\n"
                + "[services.dashboard]\nport = 0\n");
        portd = PortdProcess.serve(config);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")),
                "--window-size=1280,900");
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
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

    private static WebElement cell(String service, String label) {
        return browser.findElement(By.cssSelector("#services tr[data-service='" + service + "'] td[data-label='" + label + "']"));
    }

    @Test
    void tableShowsServicesAndANewEchoConnectionWithoutReload() throws Exception {
        browser.get("http://127.0.0.1:" + portd.tcpPort("dashboard") + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(b -> b.findElements(By.cssSelector("#services tbody tr")).size() == 4);
        List<String> services = browser.findElements(By.cssSelector("#services tbody tr")).stream()
                .map(r -> r.getDomAttribute("data-service")).toList();
        assertThat(services).containsExactly("echo", "smtp", "portmapper", "dashboard");
        assertThat(cell("echo", "Listening on").getText()).isEqualTo("tcp 127.0.0.1:" + portd.tcpPort("echo"));
        assertThat(cell("echo", "Connections").getText()).isEqualTo("0");
        assertThat(browser.findElement(By.id("transport")).getText()).isIn("epoll", "nio", "io_uring");
        ((JavascriptExecutor) browser).executeScript("window.stillTheSamePage = true;");

        try (Socket echo = new Socket(InetAddress.getLoopbackAddress(), portd.tcpPort("echo"))) {
            echo.getOutputStream().write("hi\n".getBytes());
            echo.getInputStream().readNBytes(3);
            wait.until(b -> cell("echo", "Connections").getText().equals("1") && cell("echo", "Open").getText().equals("1"));
            assertThat(cell("echo", "In").getText()).startsWith("3 B");
        }
        wait.until(b -> cell("echo", "Open").getText().equals("0"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.stillTheSamePage === true;")).isEqualTo(true);
        assertThat(browser.findElement(By.id("live-text")).getText()).isEqualTo("live");
        Path shot = Path.of(System.getProperty("portd.root", "."), "target", "dashboard-it.png");
        Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void mailAndRpcRegistrationsAppearWithoutReload() throws Exception {
        browser.get("http://127.0.0.1:" + portd.tcpPort("dashboard") + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(b -> !b.findElements(By.cssSelector("#rpc-table tbody tr")).isEmpty());
        assertThat(browser.findElement(By.id("rpc-table")).getText()).contains("100000").contains("portmapper");
        try (Socket smtp = new Socket(InetAddress.getLoopbackAddress(), portd.tcpPort("smtp"))) {
            smtp.setSoTimeout(10_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(smtp.getInputStream(), StandardCharsets.US_ASCII));
            var out = smtp.getOutputStream();
            in.readLine();   // 220 greeting
            out.write(("HELO browser.test\r\nMAIL FROM:<app@example.org>\r\nRCPT TO:<dev@example.org>\r\nDATA\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("354"));
            out.write("Subject: Seen in the browser\r\n\r\nHello.\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("250 2.0.0"));
            assertThat(line).as("the message was accepted").startsWith("250 2.0.0");
        }
        wait.until(b -> b.findElement(By.id("mail-list")).getText().contains("Seen in the browser"));
        Path shot = Path.of(System.getProperty("portd.root", "."), "target", "dashboard-mail-it.png");
        Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
