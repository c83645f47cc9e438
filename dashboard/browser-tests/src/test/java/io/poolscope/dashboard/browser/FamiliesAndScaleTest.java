package io.poolscope.dashboard.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolscope.collector.Collector;
import io.poolscope.collector.CollectorConfig;
import io.poolscope.dashboard.browser.SimulatedFleet.Db;
import io.poolscope.dashboard.browser.SimulatedFleet.Pod;
import io.poolscope.dashboard.browser.SimulatedFleet.Pool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 16 in the browser: a pod that builds a pool per job reads as one family row with its closed
 * pools folded away; a database with 1,000 pods shows its largest pods and per-service rollups, not
 * 1,000 bars; a leak's first application frame is never a lambda class.
 */
class FamiliesAndScaleTest {
  static final Db JOBS = new Db("postgresql", "db-jobs", 5432, "jobs");
  static final Db BIG = new Db("postgresql", "db-big", 5432, "big");
  static final String FAMILY = "HikariPool@com.example.jobs.ReconciliationJob.runOnce:57";

  static Chromium chromium;
  static Collector collector;
  static Path store;
  static final SimulatedFleet jobs = new SimulatedFleet();
  static final SimulatedFleet big = new SimulatedFleet();
  static Pod worker;

  @BeforeAll
  static void start() throws Exception {
    chromium = Chromium.start();
    store = Files.createTempDirectory("poolscope-families-");
    collector =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                // Nothing goes stale while the test runs, however slow the machine.
                .exportInterval(Duration.ofMinutes(5))
                .storeUrl("jdbc:h2:file:" + store.resolve("poolscope"))
                .databases(
                    List.of(
                        new CollectorConfig.Database(JOBS.id(), 60, 3, null, null, null),
                        new CollectorConfig.Database(BIG.id(), 5000, 3, null, null, null)))
                .build());
    // A worker whose job builds a pool per run: 5 runs closed, the 6th under way.
    Pool main = new Pool("worker-main", "HikariDataSource", JOBS, 2, 4, 8);
    for (int run = 1; run <= 6; run++) {
      Pool job = new Pool("HikariPool-" + (run + 1), "HikariDataSource", JOBS, 1, 1, 2);
      job.family = FAMILY;
      job.open = true;
      jobs.pods.clear();
      worker = jobs.pod("jobs", "jobs-worker-1", "2.0.0", main, job);
      jobs.report(url());
      if (run < 6) {
        job.open = false;
        job.used = 0;
        job.idle = 0;
        jobs.report(url());
      }
    }
    // 1,000 pods of four services on one database.
    for (int i = 0; i < 1000; i++) {
      big.pod(
          "svc-" + (i % 4),
          String.format("svc-%d-pod-%04d", i % 4, i),
          "1.0.0",
          new Pool("main", "HikariDataSource", BIG, 1 + i % 3, 1, 4));
    }
    big.report(url());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (chromium != null) chromium.close();
    } finally {
      if (collector != null) collector.close();
      try (var files = Files.walk(store)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static String url() {
    return "http://127.0.0.1:" + collector.port();
  }

  static WebDriverWait waitUpTo(Duration d) {
    WebDriverWait w = new WebDriverWait(chromium.driver, d, Duration.ofMillis(50));
    w.ignoring(StaleElementReferenceException.class);
    return w;
  }

  static int loads;

  static void open(String hash, String readyCss) {
    chromium.driver.get(url() + "/?load=" + (++loads) + "#" + hash);
    waitUpTo(Duration.ofSeconds(20))
        .until(
            d ->
                !d.findElements(By.cssSelector("main[data-view='fleet:db'] " + readyCss))
                    .isEmpty());
  }

  static JsonNode api(String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(r.body());
  }

  @Test
  void aPodShowsItsLivePoolsAndOneRowForItsClosedOnes() throws Exception {
    open("/db/" + JOBS.id(), "tr.family-row");
    String key = worker.instanceId() + "|" + FAMILY;
    WebElement family =
        chromium.driver.findElement(By.cssSelector("tr.family-row[data-family='" + key + "']"));
    // The job family's one live pool; its figures, no created / closed column repeated on it.
    assertThat(family.getText()).startsWith("HikariPool@ReconciliationJob.runOnce:57");
    assertThat(family.findElements(By.cssSelector("td"))).hasSize(13);
    assertThat(chromium.driver.findElement(By.cssSelector("tr.pod-row")).getText())
        .contains("2 live pools, 5 closed in the last 15 min");
    // The pod's visible rows: its two live pools (main, the job's) and one closed-pools row.
    List<WebElement> shown =
        chromium.driver.findElements(By.cssSelector("table.pools tbody tr")).stream()
            .filter(WebElement::isDisplayed)
            .toList();
    assertThat(shown.stream().map(r -> r.getAttribute("class")).toList())
        .containsExactly(
            "pod-row", "pool-row family-row", "pool-row family-row", "pool-row closed-row");
    JsonNode pod = api("/api/databases/" + JOBS.id()).get("services").get(0).get("pods").get(0);
    WebElement closed = shown.get(3);
    assertThat(closed.getText())
        .isEqualTo(
            "▸ 5 pools closed in the last 15 min · "
                + pod.get("poolsCreated").asInt()
                + " created, "
                + pod.get("poolsClosed").asInt()
                + " closed in this JVM");
    String members = "tr.pool-member[data-member='" + worker.instanceId() + "|closed']";
    assertThat(chromium.driver.findElements(By.cssSelector(members)))
        .hasSize(5)
        .allSatisfy(m -> assertThat(m.isDisplayed()).isFalse());
    closed.click();
    waitUpTo(Duration.ofSeconds(5))
        .until(
            d ->
                d.findElements(By.cssSelector(members)).stream().allMatch(WebElement::isDisplayed));
    // The closed pools, newest first, each with when it closed.
    assertThat(chromium.driver.findElement(By.cssSelector(members)).getText())
        .startsWith("HikariPool-6")
        .contains("closed");
    assertThat(closed.getAttribute("aria-expanded")).isEqualTo("true");
    // Planned: the live maxima only (8 + 2), whatever the job built before.
    assertThat(api("/api/databases/" + JOBS.id()).get("database").get("planned").asInt())
        .isEqualTo(10);
    assertThat(chromium.driver.findElement(By.cssSelector("[data-fact=planned]")).getText())
        .startsWith("10");
    chromium.screenshot(DashboardTest.SHOTS.resolve("families.png"));
  }

  @Test
  void aThousandPodsShowTheLargestAndEachServicesRollup() throws Exception {
    open("/db/" + BIG.id(), "[data-chart=pods] canvas");
    JsonNode detail = api("/api/databases/" + BIG.id());
    assertThat(detail.get("podsTotal").asInt()).isEqualTo(1000);
    assertThat(detail.get("podsShown").asInt()).isEqualTo(50);
    @SuppressWarnings("unchecked")
    Map<String, Object> chart =
        (Map<String, Object>)
            ((JavascriptExecutor) chromium.driver)
                .executeScript(
                    "const c = Chart.getChart(document.querySelector('[data-chart=pods] canvas'));"
                        + "return {labels: c.data.labels, used: c.data.datasets[0].data};");
    assertThat((List<?>) chart.get("labels")).hasSize(40);
    // The largest pods hold 3 in use (every third pod).
    assertThat((List<?>) chart.get("used"))
        .allSatisfy(v -> assertThat(((Number) v).intValue()).isEqualTo(3));
    assertThat(chromium.driver.findElement(By.cssSelector("[data-fact=pods-shown]")).getText())
        .contains("the 40 largest of 1,000 pods");
    @SuppressWarnings("unchecked")
    Map<String, Object> services =
        (Map<String, Object>)
            ((JavascriptExecutor) chromium.driver)
                .executeScript(
                    "const c = Chart.getChart(document.querySelector('[data-chart=services] canvas'));"
                        + "return {labels: c.data.labels, used: c.data.datasets[0].data};");
    assertThat(((List<?>) services.get("labels")).stream().map(String::valueOf).toList())
        .containsExactly("svc-0", "svc-1", "svc-2", "svc-3");
    // Each service's rollup covers all its 250 pods, not only the ones listed.
    List<Object> used = new java.util.ArrayList<>();
    for (JsonNode s : detail.get("services")) {
      used.add(s.get("used").asInt());
    }
    assertThat(((List<?>) services.get("used")).stream().map(v -> ((Number) v).intValue()).toList())
        .isEqualTo(used);
    assertThat(detail.get("services").get(0).get("livePods").asInt()).isEqualTo(250);
    assertThat(chromium.driver.findElements(By.cssSelector("tr.pod-row")).size())
        .isLessThanOrEqualTo(50);
  }

  @Test
  void theFirstApplicationFrameIsNeverALambdaOrProxyClass() throws Exception {
    jobs.leak(
        url(),
        worker,
        worker.pools().get(1),
        "suspected",
        "job-1",
        40,
        "9",
        "com.example.jobs.ReconciliationJob$$Lambda$267/0x00000008001c2a48.run(Unknown Source)\n"
            + "com.example.jobs.ReconciliationJob.access$000(ReconciliationJob.java)\n"
            + "com.example.jobs.ReconciliationJob.runOnce(ReconciliationJob.java:57)\n"
            + "java.base/java.lang.Thread.run(Thread.java:833)",
        null);
    chromium.driver.get(url() + "/?load=" + (++loads) + "#/leaks");
    waitUpTo(Duration.ofSeconds(20))
        .until(d -> !d.findElements(By.cssSelector("tr.leak-row")).isEmpty());
    assertThat(chromium.driver.findElement(By.cssSelector("tr.leak-row td.frame")).getText())
        .isEqualTo("com.example.jobs.ReconciliationJob.runOnce(ReconciliationJob.java:57)");
    chromium.driver.findElement(By.cssSelector("tr.leak-row")).click();
    waitUpTo(Duration.ofSeconds(5))
        .until(d -> d.findElement(By.cssSelector("tr.leak-detail li.app.first")).isDisplayed());
    assertThat(chromium.driver.findElement(By.cssSelector("tr.leak-detail li.app.first")).getText())
        .isEqualTo("com.example.jobs.ReconciliationJob.runOnce(ReconciliationJob.java:57)");
  }
}
