package io.poolscope.dashboard.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolscope.collector.Collector;
import io.poolscope.collector.CollectorConfig;
import io.poolscope.dashboard.browser.SimulatedFleet.Db;
import io.poolscope.dashboard.browser.SimulatedFleet.Pool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One database server reached three ways, as {@code localhost}, as {@code 127.0.0.1} and through
 * the configured alias {@code pg.internal.example}, is one card on the fleet page of a real
 * collector, with one database row for the three agent targets and the server's figures as {@code
 * GET /api/servers} sends them.
 */
class ServerCardTest {
  static Chromium chromium;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    chromium = Chromium.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) chromium.close();
  }

  @Test
  void oneServerReachedThreeWaysIsOneCard() throws Exception {
    CollectorConfig config =
        collector("store")
            .servers(
                List.of(
                    CollectorConfig.Server.withLimit(
                        "pg-main", 100, "127.0.0.1:5432", "pg.internal.example:5432")))
            .build();
    SimulatedFleet fleet = new SimulatedFleet();
    fleet.pod(
        "checkout",
        "checkout-1",
        "1.0.0",
        new Pool(
            "a",
            "HikariDataSource",
            new Db("postgresql", "localhost", 5432, "payments"),
            10,
            2,
            20));
    fleet.pod(
        "ledger",
        "ledger-1",
        "1.0.0",
        new Pool(
            "b",
            "HikariDataSource",
            new Db("postgresql", "127.0.0.1", 5432, "payments"),
            20,
            4,
            30));
    fleet.pod(
        "billing",
        "billing-1",
        "1.0.0",
        new Pool(
            "c",
            "HikariDataSource",
            new Db("postgresql", "pg.internal.example", 5432, "payments"),
            40,
            6,
            40));
    try (Collector collector = Collector.start(config)) {
      String base = "http://127.0.0.1:" + collector.port();
      fleet.report(base);
      JsonNode servers = api(base + "/api/servers");
      assertThat(servers).as(servers.toString()).hasSize(1);
      JsonNode s = servers.get(0);
      assertThat(s.get("targets")).hasSize(3);
      assertThat(s.get("open").asInt()).isEqualTo(82);
      chromium.driver.get(base + "/#/");
      WebDriverWait wait = new WebDriverWait(chromium.driver, Duration.ofSeconds(15));
      wait.ignoring(StaleElementReferenceException.class);
      wait.until(
          d ->
              !d.findElements(By.cssSelector(".card[data-server='pg-main'] .gauge-text"))
                  .isEmpty());
      assertThat(chromium.driver.findElements(By.cssSelector(".card"))).hasSize(1);
      String card = ".card[data-server='pg-main']";
      assertThat(chromium.driver.findElement(By.cssSelector(card + " .gauge-text")).getText())
          .isEqualTo("82 / 100 (82%)");
      assertThat(chromium.driver.findElement(By.cssSelector(card)).getAttribute("data-state"))
          .isEqualTo(s.get("state").asText())
          .isEqualTo("warning");
      assertThat(chromium.driver.findElement(By.cssSelector(card + " .target")).getText())
          .isEqualTo("3 agent targets");
      List<String> rows =
          chromium.driver.findElements(By.cssSelector(card + " table.databases tbody tr")).stream()
              .map(e -> e.getText().replace('\n', ' '))
              .toList();
      assertThat(rows).containsExactly("payments [1][2][3] 82 – no limit –");
      assertThat(chromium.driver.findElements(By.cssSelector(card + " table.databases tr a")))
          .hasSize(3);
      chromium.screenshot(
          Path.of(System.getProperty("poolscope.screenshots", "target/screenshots"))
              .resolve("server-card.png"));
    }
  }

  @Test
  void aYoungCollectorsServerHistoryStartsAtItsFirstPoint() throws Exception {
    CollectorConfig config =
        collector("young")
            .historyStep(Duration.ofSeconds(1))
            .servers(List.of(CollectorConfig.Server.withLimit("pg-main", 100, "127.0.0.1:5432")))
            .build();
    SimulatedFleet fleet = new SimulatedFleet();
    fleet.pod(
        "checkout",
        "checkout-1",
        "1.0.0",
        new Pool(
            "a",
            "HikariDataSource",
            new Db("postgresql", "127.0.0.1", 5432, "payments"),
            10,
            2,
            20));
    try (Collector collector = Collector.start(config)) {
      String base = "http://127.0.0.1:" + collector.port();
      fleet.report(base);
      chromium.driver.get(base + "/#/server/pg-main");
      WebDriverWait wait = new WebDriverWait(chromium.driver, Duration.ofSeconds(15));
      wait.ignoring(StaleElementReferenceException.class);
      // The page refreshes live: wait for the history's first points, then read the chart's axis.
      wait.until(
          d ->
              d.findElements(By.cssSelector(".panel.history .legend-note")).stream()
                  .anyMatch(e -> e.getText().startsWith("History starts ")));
      List<?> axis =
          (List<?>)
              chromium.driver.executeScript(
                  "const c = Chart.getChart(document.querySelector('[data-chart=server-history] canvas'));"
                      + "const firsts = c.data.datasets.filter((d) => d.data.length).map((d) => d.data[0].x);"
                      + "return [c.options.scales.x.min, Math.min(...firsts), c.options.scales.x.max];");
      // Not a sliver at the right edge of the hour: the axis starts where the data does.
      assertThat(((Number) axis.get(0)).longValue()).isEqualTo(((Number) axis.get(1)).longValue());
      assertThat(((Number) axis.get(2)).longValue() - ((Number) axis.get(0)).longValue())
          .isLessThan(Duration.ofMinutes(10).toMillis());
    }
  }

  /** A collector on a free loopback port with its H2 store in {@code name} under the test's dir. */
  private CollectorConfig.Builder collector(String name) {
    return CollectorConfig.builder()
        .host("127.0.0.1")
        .port(0)
        .storeUrl("jdbc:h2:file:" + dir.resolve(name));
  }

  static JsonNode api(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body());
  }
}
