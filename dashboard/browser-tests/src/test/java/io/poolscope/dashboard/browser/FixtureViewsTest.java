package io.poolscope.dashboard.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The page against canned API answers (FixtureCollector): every view renders, light and dark. */
class FixtureViewsTest {

  static FixtureCollector fixture;
  static Chromium chromium;
  static final Path SHOTS =
      Path.of(System.getProperty("poolscope.screenshots", "target/screenshots"));

  @BeforeAll
  static void start() throws Exception {
    fixture = new FixtureCollector();
    chromium = Chromium.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) chromium.close();
    if (fixture != null) fixture.close();
  }

  private int loads;

  private void open(String hash, String readyCss) {
    chromium.driver.get(fixture.baseUrl() + "/?load=" + (++loads) + "#" + hash);
    new WebDriverWait(chromium.driver, Duration.ofSeconds(10))
        .ignoring(StaleElementReferenceException.class)
        .until(d -> !d.findElements(By.cssSelector(readyCss)).isEmpty());
  }

  private void click(String css) {
    new WebDriverWait(chromium.driver, Duration.ofSeconds(5))
        .ignoring(StaleElementReferenceException.class)
        .until(
            d -> {
              d.findElement(By.cssSelector(css)).click();
              return true;
            });
  }

  @Test
  void everyViewRendersInLightAndDarkMode() throws Exception {
    for (String scheme : new String[] {"light", "dark"}) {
      chromium.colorScheme(scheme);
      open("/", ".card .gauge-text");
      chromium.screenshot(SHOTS.resolve("fixture-fleet-" + scheme + ".png"));
      open("/db/postgresql_db-payments_5432_payments", "[data-chart=pods]");
      click("tr.leak-row");
      chromium.screenshot(SHOTS.resolve("fixture-database-" + scheme + ".png"));
      open("/leaks", "tr.leak-row");
      click("tr.leak-row");
      chromium.screenshot(SHOTS.resolve("fixture-leaks-" + scheme + ".png"));
      open("/alerts", "table.alerts-history");
      chromium.screenshot(SHOTS.resolve("fixture-alerts-" + scheme + ".png"));
    }
    assertThat(chromium.driver.findElements(By.cssSelector("img[src=x]"))).isEmpty();
  }
}
