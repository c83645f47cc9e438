package io.poolscope.dashboard.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.collector.Collector;
import io.poolscope.collector.CollectorConfig;
import io.poolscope.dashboard.browser.SimulatedFleet.Db;
import io.poolscope.dashboard.browser.SimulatedFleet.Holder;
import io.poolscope.dashboard.browser.SimulatedFleet.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Who holds the connections right now, in the browser: the oldest holders an export names appear
 * under their pool family on the database view and on the pod's own page, oldest first, with the
 * thread, how long it has been held and the call site's first application frame picked out; an
 * export naming none takes them off the page without a reload.
 */
class OldestHoldersViewTest {
  static final Db BILLING = new Db("postgresql", "db-billing", 5432, "billing");
  static final String CHARGE = "at com.acme.billing.Charges.charge(Charges.java:42)";
  // A generated frame first: the page marks the first application frame, not the first frame.
  static final String LAMBDA_SITE =
      "at com.acme.billing.Charges$$Lambda$41/0x0000000800c0b000.run(Unknown Source)\n"
          + CHARGE
          + "\nat com.acme.billing.BillingJob.run(BillingJob.java:17)";
  static final String REFUND = "at com.acme.billing.Refunds.refund(Refunds.java:88)";

  static Chromium chromium;
  static Collector collector;
  static Path store;
  static final SimulatedFleet fleet = new SimulatedFleet();
  static Pool pool;
  // Every connection it counts in use was dropped without close() and garbage-collected.
  static Pool dropped;
  static int loads;
  static final Path SHOTS =
      Path.of(System.getProperty("poolscope.screenshots", "target/screenshots"));

  @BeforeAll
  static void start() throws Exception {
    chromium = Chromium.start();
    store = Files.createTempDirectory("poolscope-holders-");
    collector =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .exportInterval(Duration.ofMinutes(5))
                .storeUrl("jdbc:h2:file:" + store.resolve("poolscope"))
                .databases(
                    List.of(new CollectorConfig.Database(BILLING.id(), 60, 3, null, null, null)))
                .build());
    pool = new Pool("billing-pool", "HikariDataSource", BILLING, 3, 2, 10);
    pool.holders.add(new Holder("billing-worker-1", 95.25, "2a", LAMBDA_SITE));
    pool.holders.add(new Holder("billing-worker-2", 40.0, "2b", CHARGE));
    pool.holders.add(new Holder("refund-worker-1", 2.5, "2c", null));
    fleet.pod("billing", "billing-7d9f-abc", "1.4.2", pool);
    dropped = new Pool("reconcile-pool", "HikariDataSource", BILLING, 4, 0, 4);
    dropped.leaksCollected = 4;
    fleet.pod("billing", "reconcile-5c4b-def", "1.4.2", dropped);
    fleet.report(url());
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

  static void open(String hash, String readyCss) {
    chromium.driver.get(url() + "/?load=" + (++loads) + "#" + hash);
    waitUpTo(Duration.ofSeconds(20))
        .until(d -> !d.findElements(By.cssSelector(readyCss)).isEmpty());
  }

  private static List<String> column(WebElement table, String css) {
    return table.findElements(By.cssSelector("tr.holder " + css)).stream()
        .map(WebElement::getText)
        .toList();
  }

  private static void assertHolders(WebElement table) {
    assertThat(column(table, "td.thread"))
        .containsExactly("billing-worker-1", "billing-worker-2", "refund-worker-1");
    // As the API sends them: 95.25 s, 40 s, 2.5 s.
    assertThat(column(table, "td.held")).containsExactly("95 s", "40 s", "2.5 s");
    assertThat(column(table, "td.since")).allMatch(t -> t.matches("\\d\\d:\\d\\d:\\d\\d"));
    List<WebElement> rows = table.findElements(By.cssSelector("tr.holder"));
    // The first application frame is marked, past the generated lambda frame above it.
    assertThat(rows.get(0).findElement(By.cssSelector("li.app.first")).getText()).isEqualTo(CHARGE);
    assertThat(rows.get(0).findElements(By.cssSelector("li"))).hasSize(3);
    assertThat(rows.get(1).findElement(By.cssSelector("li.app.first")).getText()).isEqualTo(CHARGE);
    assertThat(rows.get(2).findElement(By.cssSelector("td.frame")).getText())
        .isEqualTo("call site not captured");
    assertThat(rows.get(2).findElements(By.cssSelector("li"))).isEmpty();
  }

  @Test
  void theDatabaseViewShowsTheOldestHoldersUnderTheirFamily() throws Exception {
    open("/db/" + BILLING.id(), "main[data-view='fleet:db'] tr.holders-row table.holders");
    WebElement table = chromium.driver.findElement(By.cssSelector("tr.holders-row table.holders"));
    assertHolders(table);
    assertThat(
            chromium.driver.findElement(By.cssSelector("tr.holders-row .holders-head")).getText())
        .isEqualTo("Held now, oldest first (3):");
    chromium.screenshot(SHOTS.resolve("holders-database.png"));
  }

  @Test
  void thePodPageShowsWhoHoldsItsConnectionsAndUpdatesLive() throws Exception {
    open("/db/" + BILLING.id(), "main[data-view='fleet:db'] tr.pod-row a");
    chromium
        .driver
        .findElement(By.cssSelector("tr.pod-row[data-pod='billing-7d9f-abc'] td.name a"))
        .click();
    waitUpTo(Duration.ofSeconds(20))
        .until(
            d ->
                !d.findElements(
                        By.cssSelector(
                            "main[data-view='fleet:pod'] [data-panel=holders] table.holders"))
                    .isEmpty());
    assertThat(chromium.driver.findElement(By.cssSelector("main h1")).getText())
        .isEqualTo("billing-7d9f-abc");
    assertHolders(
        chromium.driver.findElement(By.cssSelector("[data-panel=holders] table.holders")));
    chromium.screenshot(SHOTS.resolve("holders-pod.png"));

    // The connections were returned: the next export names no holder, the page follows (SSE).
    pool.holders.clear();
    fleet.report(url());
    waitUpTo(Duration.ofSeconds(20))
        .until(
            d ->
                d.findElements(By.cssSelector("[data-panel=holders] table.holders")).isEmpty()
                    && d.findElement(By.cssSelector("[data-panel=holders] p.empty"))
                        .getText()
                        .startsWith("No connection is held right now"));
    // Holders come back for the database view test, whichever order the tests run in.
    pool.holders.add(new Holder("billing-worker-1", 95.25, "2a", LAMBDA_SITE));
    pool.holders.add(new Holder("billing-worker-2", 40.0, "2b", CHARGE));
    pool.holders.add(new Holder("refund-worker-1", 2.5, "2c", null));
    fleet.report(url());
  }

  static final String DROPPED =
      "4 in use, but no thread holds them: 4 borrowed connections were garbage-collected without"
          + " close(). The pool still counts them in use; unless it removes abandoned connections,"
          + " it gets them back only when it is closed.";

  @Test
  void connectionsInUseThatNoThreadHoldsAreExplained() throws Exception {
    open("/db/" + BILLING.id(), "main[data-view='fleet:db'] tr.holders-row.unheld");
    WebElement note = chromium.driver.findElement(By.cssSelector("tr.holders-row.unheld"));
    assertThat(note.getText()).isEqualTo("Held now: " + DROPPED);
    // The row is the dropped pool's: its figures above, and no lease to call the oldest.
    WebElement row =
        chromium.driver.findElement(By.cssSelector("tr.family-row[data-pool='reconcile-pool']"));
    List<String> cells =
        row.findElements(By.cssSelector("td")).stream().map(WebElement::getText).toList();
    assertThat(cells.get(2)).isEqualTo("4"); // used
    assertThat(cells.get(9)).isEqualTo("0 / 4"); // leaks suspected / collected
    assertThat(cells.get(10)).isEqualTo("–"); // oldest lease
    // The pool that holds its connections keeps its holders and its oldest lease.
    WebElement held =
        chromium.driver.findElement(By.cssSelector("tr.family-row[data-pool='billing-pool']"));
    assertThat(held.findElements(By.cssSelector("td")).get(10).getText()).isEqualTo("2.5 s");
    chromium.screenshot(SHOTS.resolve("holders-dropped.png"));

    open(
        "/pod/reconcile-5c4b-def-jvm",
        "main[data-view='fleet:pod'] [data-panel=holders] p.unheld-text");
    assertThat(
            chromium
                .driver
                .findElement(By.cssSelector("[data-panel=holders] p.unheld-text"))
                .getText())
        .isEqualTo(DROPPED);
    assertThat(chromium.driver.findElements(By.cssSelector("[data-panel=holders] p.empty")))
        .isEmpty();
  }
}
