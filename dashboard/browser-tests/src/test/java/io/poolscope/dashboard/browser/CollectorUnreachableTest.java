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

/** When the collector goes away the page says so instead of showing numbers that froze. */
class CollectorUnreachableTest {

  static RunningFleet fleet;
  static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    chromium = Chromium.start();
    fleet = new RunningFleet();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (chromium != null) chromium.close();
    } finally {
      if (fleet != null) fleet.close();
    }
  }

  static WebDriverWait waitUpTo(Duration d) {
    WebDriverWait w = new WebDriverWait(chromium.driver, d, Duration.ofMillis(50));
    w.ignoring(StaleElementReferenceException.class);
    return w;
  }

  @Test
  void bannerReplacesTheNumbersWhileTheCollectorIsDownAndGoesWhenItIsBack() throws Exception {
    String gauge = DashboardTest.cardCss(RunningFleet.PAYMENTS) + " .gauge-text";
    chromium.driver.get(fleet.baseUrl() + "/");
    waitUpTo(Duration.ofSeconds(15)).until(d -> d.findElement(By.cssSelector(gauge)).isDisplayed());
    assertThat(chromium.driver.findElement(By.id("unreachable")).isDisplayed()).isFalse();

    int port = fleet.port();
    fleet.stopCollector();
    // Conditions, not promises: the page notices on its next health check and redraws, which a
    // browser on a loaded machine may take a while to do.
    waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElement(By.id("unreachable")).isDisplayed());
    assertThat(chromium.driver.findElement(By.id("unreachable")).getText())
        .startsWith("Collector unreachable.")
        .contains("127.0.0.1:" + port);
    assertThat(chromium.driver.findElement(By.cssSelector(gauge)).isDisplayed()).isFalse();
    assertThat(chromium.driver.findElement(By.id("live-text")).getText())
        .isEqualTo("collector unreachable");
    chromium.screenshot(
        Path.of(System.getProperty("poolscope.screenshots", "target/screenshots"))
            .resolve("unreachable.png"));

    fleet.start(port);
    fleet.reportNow();
    waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElement(By.cssSelector(gauge)).isDisplayed());
    assertThat(chromium.driver.findElement(By.id("unreachable")).isDisplayed()).isFalse();
    // Read inside a wait: the first answers after the restart may redraw the card meanwhile.
    String shown =
        waitUpTo(Duration.ofSeconds(5))
            .until(d -> (String) d.findElement(By.cssSelector(gauge)).getText());
    assertThat(shown).isEqualTo("53 / 57 (93%)");
  }
}
