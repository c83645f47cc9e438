package io.poolscope.dashboard.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium against a real collector fed OTLP by a simulated fleet: what
 * an engineer on call would see. One browser and one collector for the whole class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardTest {

  static final Path SHOTS =
      Path.of(System.getProperty("poolscope.screenshots", "target/screenshots"));
  static final String CALL_SITE =
      "com.example.checkout.OrderService.reserve(OrderService.java:88)\n"
          + "com.example.checkout.OrderJob.run(OrderJob.java:41)\n"
          + "org.springframework.scheduling.support.DelegatingErrorHandlingRunnable.run(DelegatingErrorHandlingRunnable.java:54)\n"
          + "java.base/java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:539)";
  static final String HOLDER =
      "java.base/java.lang.Thread.sleep(Native Method)\n"
          + "com.example.checkout.PaymentClient.await(PaymentClient.java:120)\n"
          + "com.example.checkout.OrderService.reserve(OrderService.java:93)";

  static RunningFleet fleet;
  static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    // The browser first: without Chromium there is nothing to test, and that must fail loudly.
    chromium = Chromium.start();
    fleet = new RunningFleet();
    fleet.fleet.leak(
        fleet.baseUrl(),
        fleet.checkoutA,
        fleet.checkoutAPool,
        "suspected",
        "order-worker-3",
        31.2,
        "42",
        CALL_SITE,
        HOLDER);
    fleet.fleet.leak(
        fleet.baseUrl(),
        fleet.ledgerA,
        fleet.xssPool,
        "collected",
        "<b>pool-thread</b>",
        300,
        "7",
        "com.example.ledger.Export.dump(Export.java:12)",
        null);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (chromium != null) chromium.close();
    } finally {
      if (fleet != null) fleet.close();
    }
  }

  /**
   * How long the page may take to catch up with the collector: the next live update and its redraw,
   * by a browser sharing a loaded machine. A condition, so a healthy run waits far less.
   */
  static final Duration CATCH_UP = Duration.ofSeconds(30);

  static WebDriverWait waitUpTo(Duration d) {
    WebDriverWait w = new WebDriverWait(chromium.driver, d, Duration.ofMillis(50));
    // The page patches itself on every live update; a found element may be replaced meanwhile.
    w.ignoring(StaleElementReferenceException.class);
    return w;
  }

  static int loads;

  /**
   * Loads the page afresh at a route (a new query string, so it is a real load and not a hash
   * change) and waits until that view has drawn readyCss.
   */
  static void open(String hash, String readyCss) {
    chromium.driver.get(fleet.baseUrl() + "/?load=" + (++loads) + "#" + hash);
    String view =
        hash.startsWith("/db/") ? "fleet:db" : hash.equals("/") ? "fleet" : hash.substring(1);
    waitUpTo(Duration.ofSeconds(15))
        .until(
            d ->
                !d.findElements(By.cssSelector("main[data-view='" + view + "'] " + readyCss))
                    .isEmpty());
  }

  static void click(String css) {
    waitUpTo(Duration.ofSeconds(5))
        .until(
            d -> {
              d.findElement(By.cssSelector(css)).click();
              return true;
            });
  }

  static String text(String css) {
    return waitUpTo(Duration.ofSeconds(5)).until(d -> d.findElement(By.cssSelector(css)).getText());
  }

  /** The fleet page's card of the server {@code db} is on (the only database on it here). */
  static String cardCss(SimulatedFleet.Db db) {
    return ".card[data-server='" + db.system() + "_" + db.address() + "_" + db.port() + "']";
  }

  static String expectedGauge(JsonNode db) {
    return db.get("open").asInt()
        + " / "
        + db.get("usable").asInt()
        + " ("
        + Math.round(db.get("utilization").asDouble() * 100)
        + "%)";
  }

  @Test
  @Order(1)
  void gaugeShowsTheBudgetTheApiReports() throws Exception {
    open("/", cardCss(RunningFleet.PAYMENTS) + " .gauge-text");
    JsonNode db = fleet.database(RunningFleet.PAYMENTS);
    // The fleet holds 10+10+10 (checkout) + 19+4 (ledger) = 53 of 60-3 usable: 93%.
    assertThat(db.get("open").asInt()).isEqualTo(53);
    assertThat(db.get("usable").asInt()).isEqualTo(57);
    assertThat(text(cardCss(RunningFleet.PAYMENTS) + " .gauge-text"))
        .isEqualTo(expectedGauge(db))
        .isEqualTo("53 / 57 (93%)");
    // 93% is amber: past the budget rule's 80 %, short of the database refusing (100 %). The
    // colour follows the thresholds the collector sends, not whichever alert fires.
    assertThat(db.get("state").asText()).isEqualTo("warning");
    assertThat(db.get("thresholds").get("warning").asDouble()).isEqualTo(0.8);
    assertThat(
            chromium
                .driver
                .findElement(By.cssSelector(cardCss(RunningFleet.PAYMENTS)))
                .getAttribute("data-state"))
        .isEqualTo("warning");
    assertThat(text(cardCss(RunningFleet.PAYMENTS) + " [data-fact=planned]"))
        .startsWith(
            db.get("planned").asInt()
                + " · "
                + db.get("plannedAtCeiling").asInt()
                + " at max replicas");
    // Who holds it, largest first: checkout's 3 pods x 10, ledger's 19 + 4.
    assertThat(text(cardCss(RunningFleet.PAYMENTS) + " [data-fact=holders]"))
        .isEqualTo("checkout 30 · ledger 23");
    // Nobody configured or probed the MySQL limit: the card says so rather than inventing one.
    assertThat(text(cardCss(RunningFleet.REPORTS) + " .gauge-text")).isEqualTo("5 open");
    chromium.screenshot(SHOTS.resolve("fleet.png"));
    // Threads waiting are the database's: on its own page.
    String dbCard = ".card[data-db='" + RunningFleet.PAYMENTS.id() + "']";
    open("/db/" + RunningFleet.PAYMENTS.id(), dbCard + " [data-fact=pending]");
    assertThat(text(dbCard + " [data-fact=pending]")).isEqualTo("2 threads in getConnection()");
  }

  @Test
  @Order(2)
  void podBarsExistPerPod() throws Exception {
    open("/db/" + RunningFleet.PAYMENTS.id(), "[data-chart=pods] canvas");
    JsonNode detail = fleet.api("/api/databases/" + RunningFleet.PAYMENTS.id());
    List<String> pods = new ArrayList<>();
    List<Integer> used = new ArrayList<>();
    for (JsonNode s : detail.get("services")) {
      for (JsonNode p : s.get("pods")) {
        pods.add(p.get("podName").asText());
        int u = 0;
        for (JsonNode pool : p.get("pools")) u += pool.get("used").asInt();
        used.add(u);
      }
    }
    assertThat(pods)
        .containsExactlyInAnyOrder(
            "checkout-7d9f-abc",
            "checkout-7d9f-def",
            "checkout-7d9f-ghi",
            "ledger-5c4-xyz",
            "ledger-5c4-qrs");
    @SuppressWarnings("unchecked")
    Map<String, Object> chart =
        (Map<String, Object>)
            chromium.driver.executeScript(
                "const c = Chart.getChart(document.querySelector('[data-chart=pods] canvas'));"
                    + "const m = c.getDatasetMeta(0);"
                    + "return {labels: c.data.labels, used: c.data.datasets[0].data,"
                    + " lengths: m.data.map(b => Math.abs(b.x - b.base))};");
    assertThat(chart.get("labels")).isEqualTo(pods);
    assertThat(((List<?>) chart.get("used")).stream().map(n -> ((Number) n).intValue()).toList())
        .isEqualTo(used);
    // Drawn, not just configured: every pod's used bar has a length on the canvas.
    assertThat((List<?>) chart.get("lengths"))
        .hasSize(pods.size())
        .allSatisfy(len -> assertThat(((Number) len).doubleValue()).isGreaterThan(5));
    // Pools per pod: the ledger pod with two pools says so.
    assertThat(text("tr.pod-row[data-pod='ledger-5c4-xyz']")).contains("2 live pools");
    assertThat(chromium.driver.findElements(By.cssSelector("tr.pod-row"))).hasSize(pods.size());
    assertThat(text("[data-fact=sizing]"))
        .contains("a pool max of " + detail.get("database").get("suggestedPoolMax").asInt());
    // A click on a pod's bar brings that pod's pools into view.
    WebElement canvas = chromium.driver.findElement(By.cssSelector("[data-chart=pods] canvas"));
    new Actions(chromium.driver).scrollToElement(canvas).perform();
    @SuppressWarnings("unchecked")
    List<Number> offset =
        (List<Number>)
            chromium.driver.executeScript(
                "const cv = document.querySelector('[data-chart=pods] canvas');"
                    + "const c = Chart.getChart(cv);"
                    + "const i = c.data.labels.indexOf('ledger-5c4-xyz');"
                    + "const b = c.getDatasetMeta(0).data[i];"
                    + "const r = cv.getBoundingClientRect();"
                    + "return [(b.x + b.base) / 2 - r.width / 2, b.y - r.height / 2];");
    new Actions(chromium.driver)
        .moveToElement(canvas, offset.get(0).intValue(), offset.get(1).intValue())
        .click()
        .perform();
    waitUpTo(Duration.ofSeconds(15))
        .until(
            d ->
                (Boolean)
                    ((JavascriptExecutor) d)
                        .executeScript(
                            "const r = document.querySelector("
                                + "\"tr.pod-row[data-pod='ledger-5c4-xyz']\").getBoundingClientRect();"
                                + " return Math.abs((r.top + r.bottom) / 2 - innerHeight / 2) < 60;"));
  }

  @Test
  @Order(3)
  void leakRowExpandsToItsCallSite() throws Exception {
    open("/leaks", "tr.leak-row");
    JsonNode leaks = fleet.api("/api/leaks");
    String id = null;
    for (JsonNode l : leaks) {
      if (l.get("leaseId").asText().equals("42")) id = l.get("id").asText();
    }
    assertThat(id).as("leak with lease 42 in /api/leaks").isNotNull();
    String row = "tr.leak-row[data-leak='" + id + "']";
    String detail = "tr.leak-detail[data-leak='" + id + "']";
    assertThat(chromium.driver.findElement(By.cssSelector(detail)).isDisplayed()).isFalse();
    click(row);
    waitUpTo(Duration.ofSeconds(15))
        .until(d -> d.findElement(By.cssSelector(detail)).isDisplayed());
    assertThat(text(detail)).contains("com.example.checkout.OrderJob.run(OrderJob.java:41)");
    // The application's frames stand out from the framework's and the JDK's.
    List<String> app =
        chromium.driver.findElements(By.cssSelector(detail + " .stack:first-child li.app")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(app)
        .containsExactly(
            "com.example.checkout.OrderService.reserve(OrderService.java:88)",
            "com.example.checkout.OrderJob.run(OrderJob.java:41)");
    assertThat(text(detail + " .stack:nth-child(2) li.app.first"))
        .isEqualTo("com.example.checkout.PaymentClient.await(PaymentClient.java:120)");
    // The summary names the lines to fix, one event each here.
    assertThat(
            chromium.driver.findElements(By.cssSelector("table.leak-sites tbody tr")).stream()
                .map(WebElement::getText)
                .toList())
        .anySatisfy(
            r ->
                assertThat(r)
                    .startsWith(
                        "com.example.checkout.OrderService.reserve(OrderService.java:88) 1 suspected 1"))
        .anySatisfy(
            r ->
                assertThat(r)
                    .startsWith("com.example.ledger.Export.dump(Export.java:12) 1 collected 1"));
    // It stays open across live updates (the fleet reports every second).
    Thread.sleep(2500);
    assertThat(chromium.driver.findElement(By.cssSelector(detail)).isDisplayed()).isTrue();
    chromium.screenshot(SHOTS.resolve("leaks.png"));
  }

  @Test
  @Order(4)
  void poolNameWithMarkupRendersAsText() {
    open("/db/" + RunningFleet.PAYMENTS.id(), "tr.pool-row");
    List<String> pools =
        chromium.driver.findElements(By.cssSelector("tr.pool-row td.pool")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(pools).contains(RunningFleet.XSS);
    // The pool's physical connections: opened / closed (reasons on hover), oldest / lifetime.
    WebElement row =
        chromium.driver.findElement(
            By.xpath("//tr[contains(@class,'pool-row')][td[text()='" + RunningFleet.XSS + "']]"));
    WebElement conns = row.findElement(By.cssSelector("td.conns"));
    assertThat(conns.getText()).isEqualTo("12 / 4");
    assertThat(conns.getAttribute("title")).isEqualTo("closed: max lifetime 3, other 1");
    WebElement lifetime = row.findElement(By.cssSelector("td.lifetime"));
    assertThat(lifetime.getText()).isEqualTo("31 min 40 s / 30 min 0 s");
    assertThat(lifetime.getAttribute("class")).contains("crit");
    open("/leaks", "tr.leak-row");
    assertThat(
            chromium.driver.findElements(By.cssSelector("td.pool")).stream()
                .map(WebElement::getText))
        .contains(RunningFleet.XSS);
    assertThat(chromium.driver.findElements(By.xpath("//td[text()='<b>pool-thread</b>']")))
        .hasSize(1);
    assertThat(chromium.driver.findElements(By.cssSelector("main img, main b"))).isEmpty();
    assertThatThrownBy(() -> chromium.driver.switchTo().alert())
        .isInstanceOf(NoAlertPresentException.class);
  }

  @Test
  @Order(5)
  void liveUpdateChangesTheGaugeWithinOneInterval() throws Exception {
    open("/", cardCss(RunningFleet.PAYMENTS) + " .gauge-text");
    String gauge = cardCss(RunningFleet.PAYMENTS) + " .gauge-text";
    assertThat(text(gauge)).isEqualTo("53 / 57 (93%)");
    waitUpTo(Duration.ofSeconds(5))
        .until(d -> d.findElement(By.id("live")).getAttribute("class").contains("on"));
    // A marker a reload would wipe: the number must change in the page as it stands.
    chromium.driver.executeScript("window.__noReload = true");
    long sent;
    synchronized (fleet) {
      fleet.checkoutAPool.used += 2;
      sent = System.nanoTime();
      fleet.reportNow();
    }
    waitUpTo(RunningFleet.INTERVAL)
        .until(d -> d.findElement(By.cssSelector(gauge)).getText().equals("55 / 57 (96%)"));
    long tookMs = (System.nanoTime() - sent) / 1_000_000;
    assertThat(tookMs).isLessThan(RunningFleet.INTERVAL.toMillis());
    assertThat(chromium.driver.executeScript("return window.__noReload === true")).isEqualTo(true);
    // The colour is the collector's: 96% is past the budget rule's 0.8 (amber) and short of the
    // database's limit (red from 1.0 without a critical budget rule), whatever else fires.
    assertThat(fleet.database(RunningFleet.PAYMENTS).get("state").asText()).isEqualTo("warning");
    assertThat(
            chromium
                .driver
                .findElement(By.cssSelector(cardCss(RunningFleet.PAYMENTS)))
                .getAttribute("data-state"))
        .isEqualTo("warning");
    assertThat(expectedGauge(fleet.database(RunningFleet.PAYMENTS))).isEqualTo("55 / 57 (96%)");
  }

  @Test
  @Order(6)
  void darkModeKeepsEveryViewReadable() throws Exception {
    chromium.colorScheme("dark");
    try {
      open("/", cardCss(RunningFleet.PAYMENTS) + " .gauge-text");
      String bg =
          (String)
              chromium.driver.executeScript(
                  "return getComputedStyle(document.body).backgroundColor");
      String fg =
          (String)
              chromium.driver.executeScript(
                  "return getComputedStyle(document.querySelector('.gauge-text')).color");
      assertThat(bg).isEqualTo("rgb(17, 21, 26)");
      assertThat(fg).isNotEqualTo(bg);
      chromium.screenshot(SHOTS.resolve("fleet-dark.png"));
      open("/db/" + RunningFleet.PAYMENTS.id(), "[data-chart=pods] canvas");
      chromium.screenshot(SHOTS.resolve("database-dark.png"));
    } finally {
      chromium.colorScheme("light");
    }
  }

  @Test
  @Order(7)
  void alertsPageListsWhatTheCollectorFires() throws Exception {
    open("/alerts", "table.alerts-history, p.empty");
    // The page and the API must agree once the page has caught up with the collector's state.
    waitUpTo(CATCH_UP)
        .until(
            d -> {
              try {
                List<String> api = new ArrayList<>();
                for (JsonNode a : fleet.api("/api/alerts").get("active")) {
                  api.add(a.get("rule").asText() + " " + a.get("state").asText());
                }
                List<String> page =
                    d.findElements(By.cssSelector("table.alerts-active tbody tr")).stream()
                        .map(
                            r ->
                                r.findElement(By.cssSelector(".rule")).getText()
                                    + " "
                                    + r.findElement(By.cssSelector("td:nth-child(1)")).getText())
                        .toList();
                return page.stream().sorted().toList().equals(api.stream().sorted().toList());
              } catch (Exception e) {
                return false;
              }
            });
    // The badge against the API's firing count, also until the page has caught up: an alert that
    // fires after the table matched changes the API first and the badge on the next update.
    waitUpTo(CATCH_UP)
        .until(
            d -> {
              try {
                int firing = fleet.api("/api/overview").get("alerts").get("firing").asInt();
                List<WebElement> badge =
                    d.findElements(By.cssSelector("#alert-count:not([hidden])"));
                return (badge.isEmpty() ? 0 : Integer.parseInt(badge.get(0).getText())) == firing;
              } catch (Exception e) {
                return false;
              }
            });
    chromium.screenshot(SHOTS.resolve("alerts.png"));
  }

  @Test
  @Order(9)
  void noViewLoggedAnErrorToTheConsole() {
    // Everything the tests above did: script errors, CSP refusals and failed requests all land
    // here as SEVERE.
    assertThat(chromium.consoleErrors()).isEmpty();
    // And the capture works: an error the page does log is seen.
    chromium.driver.executeScript("console.error('poolscope console probe')");
    assertThat(chromium.consoleErrors())
        .anySatisfy(m -> assertThat(m).contains("poolscope console probe"));
  }

  /** Last, so the collector has recorded some history (and the live change) to plot. */
  @Test
  @Order(8)
  void databaseViewScreenshotForTheReadme() throws Exception {
    open("/db/" + RunningFleet.PAYMENTS.id(), "[data-chart=pods] canvas");
    waitUpTo(Duration.ofSeconds(10))
        .until(
            d ->
                ((Number)
                            ((JavascriptExecutor) d)
                                .executeScript(
                                    "const c = Chart.getChart(document.querySelector("
                                        + "'[data-chart=history-connections] canvas'));"
                                        + " return c ? c.data.datasets[0].data.length : 0;"))
                        .intValue()
                    >= 5);
    click("tr.leak-row:has(.pill.suspected)");
    chromium.screenshot(SHOTS.resolve("database.png"));
    Files.copy(
        SHOTS.resolve("database.png"),
        Path.of(System.getProperty("poolscope.readmeScreenshot", "target/screenshot.png")),
        StandardCopyOption.REPLACE_EXISTING);
  }
}
