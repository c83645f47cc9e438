package io.poolscope.dashboard.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * One headless Debian Chromium, driven by the system chromedriver. A missing browser is a test
 * failure, never a skip: a dashboard whose tests quietly skip is an untested dashboard.
 */
final class Chromium implements AutoCloseable {

  static final Path BINARY = Path.of(System.getProperty("poolscope.chromium", "/usr/bin/chromium"));
  static final Path DRIVER =
      Path.of(System.getProperty("poolscope.chromedriver", "/usr/bin/chromedriver"));
  static final int WIDTH = 1280;
  static final int HEIGHT = 900;

  /**
   * Selenium warns at every start that it has no CDP bindings for this Chromium version; the tests
   * use only plain CDP commands, which need none. Held so the setting is not collected.
   */
  private static final List<Logger> QUIET =
      List.of(
          Logger.getLogger("org.openqa.selenium.devtools"),
          Logger.getLogger("org.openqa.selenium.chromium"));

  static {
    QUIET.forEach(l -> l.setLevel(Level.SEVERE));
  }

  final ChromeDriver driver;
  private final Path profile;

  private Chromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  static Chromium start() throws IOException {
    for (Path p : List.of(BINARY, DRIVER)) {
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException(
            p
                + " is missing: the dashboard tests need Debian's chromium and chromium-driver"
                + " packages (apt-get install chromium chromium-driver; .ci/run does this)");
      }
    }
    Path profile = Files.createTempDirectory("poolscope-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    // Without the background-networking flags Chromium keeps dialling Google's hosts, which this
    // machine's closed network refuses; each refusal costs time on 2 shared cores.
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--force-device-scale-factor=1",
        "--window-size=" + WIDTH + "," + HEIGHT,
        "--user-data-dir=" + profile);
    // Console messages are kept so a test can assert the page logged no error (script error,
    // CSP violation, failed request) across everything it did.
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    driver.manage().window().setSize(new Dimension(WIDTH, HEIGHT));
    return new Chromium(driver, profile);
  }

  /** Switches prefers-color-scheme for the open page, as a laptop in dark mode would. */
  void colorScheme(String scheme) {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  /**
   * A screenshot of the whole page at the window's width: the viewport is emulated at the page's
   * full height for the shot, as a person scrolling would see it, sticky header at the top.
   */
  void screenshot(Path file) throws IOException {
    driver.executeScript("window.scrollTo(0, 0)");
    Number height = (Number) driver.executeScript("return document.documentElement.scrollHeight");
    int h = Math.min(Math.max(height.intValue(), HEIGHT), 6000);
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", WIDTH, "height", h, "deviceScaleFactor", 1, "mobile", false));
    try {
      // Let the charts follow the resize before painting.
      driver.executeAsyncScript(
          "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done));");
      Map<String, Object> shot =
          driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png"));
      Files.createDirectories(file.getParent());
      Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
    } finally {
      driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }

  /** Console errors since the last call: messages of level SEVERE. */
  List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
