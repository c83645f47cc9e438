package io.poolscope.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.poolscope.collector.Collector;
import io.poolscope.collector.CollectorConfig;
import io.poolscope.demo.internal.ChildProcesses;
import io.poolscope.demo.internal.Poll;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Who holds the connections, end to end: an application JVM with the real agent ({@link
 * HoldersApp}: HikariCP on H2, two named threads holding connections) exports to a real collector
 * started here, and the collector's own page, in headless Chromium, names both threads on the pod's
 * page, oldest first, each with the line that borrowed its connection.
 */
class HoldersEndToEndIT {
  static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path dir;

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void theThreadsHoldingARealPoolsConnectionsAppearOnThePodPage() throws Exception {
    Path agentJar =
        Path.of(System.getProperty("poolscope.agent.jar", "../agent/target/poolscope-agent.jar"));
    assertThat(agentJar).as("the real agent jar, built by the agent module").isRegularFile();
    CollectorConfig config =
        CollectorConfig.builder()
            .host("127.0.0.1")
            .port(0)
            .exportInterval(Duration.ofMillis(250))
            .storeUrl("jdbc:h2:file:" + dir.resolve("store").toAbsolutePath())
            .build();
    try (Collector collector = Collector.start(config);
        ChildProcesses children = new ChildProcesses()) {
      String api = "http://127.0.0.1:" + collector.port();
      Path log = dir.resolve("app.log");
      ChildProcesses.Child app =
          children.start("holders-app", command(agentJar, api), Map.of(), log);
      JsonNode pod =
          Poll.until(
              "both holders in the collector; app log: " + log,
              WAIT,
              Duration.ofMillis(200),
              () -> get(api + "/api/services/holders").path("pods").path(0),
              p -> p.path("pools").path(0).path("holders").size() == 2);
      JsonNode holders = pod.path("pools").path(0).path("holders");
      assertThat(holders.path(0).path("thread").asText()).isEqualTo("billing-worker-1");
      assertThat(holders.path(1).path("thread").asText()).isEqualTo("refund-worker-1");

      ChromeDriver browser = chromium(dir.resolve("chromium"));
      try {
        browser.get(
            api + "/#/pod/" + java.net.URLEncoder.encode(pod.path("instanceId").asText(), "UTF-8"));
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
        wait.until(
            d -> d.findElements(By.cssSelector("[data-panel=holders] tr.holder")).size() == 2);
        List<WebElement> rows =
            browser.findElements(By.cssSelector("[data-panel=holders] tr.holder"));
        assertThat(rows.get(0).findElement(By.cssSelector("td.thread")).getText())
            .isEqualTo("billing-worker-1");
        assertThat(rows.get(0).findElement(By.cssSelector("li.app.first")).getText())
            .startsWith("at io.poolscope.demo.HoldersApp.chargeCard(HoldersApp.java:");
        assertThat(rows.get(1).findElement(By.cssSelector("td.thread")).getText())
            .isEqualTo("refund-worker-1");
        assertThat(rows.get(1).findElement(By.cssSelector("li.app.first")).getText())
            .startsWith("at io.poolscope.demo.HoldersApp.refund(HoldersApp.java:");
      } finally {
        browser.quit();
      }
      app.process().getOutputStream().close();
      assertThat(app.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(log)).contains("HOLDING").doesNotContain("UNEXPECTED");
    }
  }

  /** Headless Debian Chromium; a missing browser fails the test, it never skips. */
  static ChromeDriver chromium(Path profile) throws Exception {
    Path binary = Path.of("/usr/bin/chromium");
    Path driver = Path.of("/usr/bin/chromedriver");
    assertThat(binary).as("Debian's chromium package").isExecutable();
    assertThat(driver).as("Debian's chromium-driver package").isExecutable();
    Files.createDirectories(profile);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(binary.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--no-first-run",
        "--user-data-dir=" + profile);
    return new ChromeDriver(
        new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).build(), options);
  }

  static List<String> command(Path agentJar, String endpoint) throws Exception {
    return AgentApp.command(
        agentJar, "endpoint=" + endpoint + ",service=holders,interval=250ms", HoldersApp.class);
  }

  JsonNode get(String url) throws Exception {
    return AgentApp.get(http, url);
  }
}
