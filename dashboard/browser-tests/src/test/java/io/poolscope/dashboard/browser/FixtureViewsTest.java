package io.poolscope.dashboard.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The views a freshly started test collector cannot fill: days of history with alert firings and
 * deploys, notifications with their delivery status, a probed database with unattributed clients, a
 * failed probe. Served from canned API answers (FixtureCollector); light and dark.
 */
class FixtureViewsTest {

  static final Path SHOTS =
      Path.of(System.getProperty("poolscope.screenshots", "target/screenshots"));
  static final String PAYMENTS = "postgresql_db-payments_5432_payments";

  static FixtureCollector fixture;
  static Chromium chromium;
  private int loads;

  @BeforeAll
  static void start() throws Exception {
    chromium = Chromium.start();
    fixture = new FixtureCollector();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (chromium != null) chromium.close();
    } finally {
      if (fixture != null) fixture.close();
    }
  }

  private WebDriverWait waitUpTo(Duration d) {
    WebDriverWait w = new WebDriverWait(chromium.driver, d, Duration.ofMillis(50));
    w.ignoring(StaleElementReferenceException.class);
    return w;
  }

  private void open(String hash, String readyCss) {
    chromium.driver.get(fixture.baseUrl() + "/?load=" + (++loads) + "#" + hash);
    waitUpTo(Duration.ofSeconds(10))
        .until(d -> !d.findElements(By.cssSelector(readyCss)).isEmpty());
  }

  private String text(String css) {
    // Flex children come back one per line; a person reads them as one line.
    return waitUpTo(Duration.ofSeconds(5))
        .until(d -> d.findElement(By.cssSelector(css)).getText().replace('\n', ' '));
  }

  private List<String> texts(String css) {
    return chromium.driver.findElements(By.cssSelector(css)).stream()
        .map(e -> e.getText().replace('\n', ' '))
        .toList();
  }

  @Test
  void probedAndUnprobedServersSayWhatTheServerItselfSees() throws Exception {
    open("/", ".card .gauge-text");
    String server = ".card[data-server='pg-payments']";
    assertThat(text(server + " .gauge-text")).isEqualTo("49 / 57 (86%)");
    assertThat(text(server + " [data-fact=actual]"))
        .isEqualTo("52 · 3 from clients without the agent");
    assertThat(text(server + " [data-fact=refused]")).isEqualTo("role limit 4");
    assertThat(text(".card[data-server='h2_localhost_9092'] [data-fact=actual]"))
        .isEqualTo("probe failed: connection refused: localhost:9092");
    // The server nearest its limit comes first; one card per server, not per database.
    assertThat(
            chromium.driver.findElements(By.cssSelector(".card")).stream()
                .map(e -> e.getAttribute("data-server"))
                .toList())
        .containsExactly("pg-payments", "mysql_db-reports_3306", "h2_localhost_9092");
    chromium.screenshot(SHOTS.resolve("fixture-fleet-light.png"));
  }

  @Test
  void serverCardRowsShowEachDatabaseAndRoleAgainstItsOwnLimit() throws Exception {
    open("/", ".card[data-server='pg-payments'] table.server-rows");
    String server = ".card[data-server='pg-payments']";
    // Name, open (agents), actual (server), usable, utilization: as the API sends them.
    assertThat(texts(server + " table.roles tbody tr"))
        .containsExactly("dba 0 3 no limit –", "payment_app 40 40 40 100%", "reporting 9 9 20 45%");
    assertThat(texts(server + " table.databases tbody tr"))
        .containsExactly("payments 49 52 no limit –");
    // The colour is the state the collector computed from the rules' thresholds.
    assertThat(
            chromium
                .driver
                .findElement(By.cssSelector(server + " tr[data-row='payment_app']"))
                .getAttribute("data-state"))
        .isEqualTo("critical");
    assertThat(
            chromium
                .driver
                .findElement(By.cssSelector(server + " tr[data-row='reporting']"))
                .getAttribute("data-state"))
        .isEqualTo("ok");
    // A database row leads to its database view, which leads back to its server.
    chromium.driver.findElement(By.cssSelector(server + " tr[data-row='payments'] a")).click();
    waitUpTo(Duration.ofSeconds(10))
        .until(d -> !d.findElements(By.cssSelector("a.server-link")).isEmpty());
    assertThat(chromium.driver.getCurrentUrl()).endsWith("#/db/" + PAYMENTS);
    chromium.driver.findElement(By.cssSelector("a.server-link")).click();
    // The server's page: its card and its own history.
    waitUpTo(Duration.ofSeconds(10))
        .until(
            d -> !d.findElements(By.cssSelector("[data-chart=server-history] canvas")).isEmpty());
    assertThat(chromium.driver.getCurrentUrl()).endsWith("#/server/pg-payments");
    assertThat(text("main h1")).isEqualTo("pg-payments");
    assertThat(text(".card[data-server='pg-payments'] .gauge-text")).isEqualTo("49 / 57 (86%)");
    Number lines =
        (Number)
            chromium.driver.executeScript(
                "return Chart.getChart(document.querySelector("
                    + "'[data-chart=server-history] canvas')).data.datasets.length");
    assertThat(lines.intValue()).isEqualTo(4);
    chromium.screenshot(SHOTS.resolve("fixture-server-light.png"));
  }

  @Test
  void historyMarksAlertFiringsAndDeploys() throws Exception {
    open("/db/" + PAYMENTS, "[data-chart=history-connections] canvas");
    assertThat(texts(".events li"))
        .containsExactly(text(".events li.kind-alert"), text(".events li.kind-deploy"));
    assertThat(text(".events li.kind-alert")).endsWith("alert PoolscopeBudgetHigh firing");
    assertThat(text(".events li.kind-deploy")).endsWith("deploy checkout 1.4.2 -> 1.5.0");
    Number marks =
        (Number)
            chromium.driver.executeScript(
                "return Chart.getChart(document.querySelector("
                    + "'[data-chart=history-connections] canvas')).options.plugins.eventMarks.events.length");
    assertThat(marks.intValue()).isEqualTo(2);
    assertThat(texts("table.clients tbody tr"))
        .containsExactly("PostgreSQL JDBC Driver payments 10.1.0.12 49", "psql dba 10.1.7.3 3");
    chromium.screenshot(SHOTS.resolve("fixture-database-light.png"));
    // The range buttons refetch: a week on the axis after "7d".
    waitUpTo(Duration.ofSeconds(5))
        .until(
            d -> {
              d.findElement(By.cssSelector("button[data-action=range][data-value='7d']")).click();
              return true;
            });
    waitUpTo(Duration.ofSeconds(10))
        .until(
            d -> {
              Number span =
                  (Number)
                      chromium.driver.executeScript(
                          "const x = Chart.getChart(document.querySelector("
                              + "'[data-chart=history-connections] canvas')).options.scales.x;"
                              + " return x.max - x.min;");
              return Math.abs(span.longValue() - Duration.ofDays(7).toMillis()) < 60_000;
            });
    assertThat(
            chromium
                .driver
                .findElement(By.cssSelector("button[data-value='7d']"))
                .getAttribute("aria-pressed"))
        .isEqualTo("true");
    // Put the range back: it is remembered for the session.
    chromium.driver.findElement(By.cssSelector("button[data-value='1h']")).click();
    chromium.colorScheme("dark");
    try {
      open("/db/" + PAYMENTS, "[data-chart=history-connections] canvas");
      chromium.screenshot(SHOTS.resolve("fixture-database-dark.png"));
    } finally {
      chromium.colorScheme("light");
    }
  }

  @Test
  void alertsShowFiringAndRecentWithDeliveryStatus() throws Exception {
    open("/alerts", "table.alerts-history");
    assertThat(texts("table.alerts-active tbody tr .rule"))
        .containsExactly("PoolscopeBudgetHigh", "PoolscopeWaitP99High");
    assertThat(texts("table.alerts-history tbody tr:first-child .deliveries .pill"))
        .containsExactly("slack: delivered", "pagerduty: failed ×3 (HTTP 503)");
    assertThat(texts("table.alerts-history .labels span")).contains("pool=" + RunningFleet.XSS);
    assertThat(chromium.driver.findElements(By.cssSelector("main img"))).isEmpty();
    assertThat(text("#alert-count")).isEqualTo("1");
    chromium.screenshot(SHOTS.resolve("fixture-alerts-light.png"));
    chromium.colorScheme("dark");
    try {
      open("/alerts", "table.alerts-history");
      chromium.screenshot(SHOTS.resolve("fixture-alerts-dark.png"));
    } finally {
      chromium.colorScheme("light");
    }
  }
}
