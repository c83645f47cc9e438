package io.poolscope.dashboard.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The database view's what-if panel in headless Chromium against a real collector: the change the
 * person types goes to {@code POST /api/plan}, and the page shows the plan the collector answers.
 */
class WhatIfPanelTest {
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

  static WebElement find(String css) {
    return waitUpTo(Duration.ofSeconds(15)).until(d -> d.findElement(By.cssSelector(css)));
  }

  static void type(String name, String value) {
    WebElement input = find(".whatif [data-whatif=" + name + "]");
    input.clear();
    input.sendKeys(value);
  }

  static JsonNode plan(String body) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(fleet.baseUrl() + "/api/plan"))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body());
  }

  @Test
  void panelShowsTheCollectorsPlanForAChangeAndItsErrors() throws Exception {
    chromium.driver.get(fleet.baseUrl() + "/#/db/" + RunningFleet.PAYMENTS.id());
    new Select(find(".whatif select[data-whatif=service]")).selectByValue("checkout");
    type("replicas", "4");
    type("maxSurge", "0");
    find(".whatif [data-action=whatif]").click();

    String verdict =
        waitUpTo(Duration.ofSeconds(15))
            .until(d -> d.findElement(By.cssSelector(".whatif [data-fact=verdict]")).getText());
    // The page shows what the collector computes for the same change.
    JsonNode server =
        plan("{\"service\":\"checkout\",\"replicas\":4,\"maxSurge\":0,\"server\":\"db-payments:5432\"}")
            .get("servers")
            .get(0);
    // checkout 4 x 10, ledger as it runs (2 pods, each like its largest: 15 + 15) 60: 100 of 57.
    assertThat(server.get("connectionsAtRollout").asInt()).isEqualTo(100);
    assertThat(verdict)
        .isEqualTo(
            "does not fit 100 connections at the rollout peak against 57 usable (60 max − 3"
                + " reserved) for checkout, 4 replicas, surge 0");
    List<String> checkout =
        chromium
            .driver
            .findElements(By.cssSelector(".whatif tr[data-service=checkout] td"))
            .stream()
            .map(WebElement::getText)
            .toList();
    assertThat(checkout)
        .containsExactly(
            "checkout",
            "4 / 4 / 4",
            "1",
            "10",
            "40",
            "40",
            "70%",
            server.get("services").get(0).get("suggestedPoolMax").asText());
    chromium.screenshot(DashboardTest.SHOTS.resolve("whatif.png"));

    // A change the collector rejects shows its one-line reason.
    type("replicas", "");
    type("poolMax", "0");
    find(".whatif [data-action=whatif]").click();
    String error =
        waitUpTo(Duration.ofSeconds(15))
            .until(
                d -> d.findElement(By.cssSelector(".whatif [data-fact=whatif-error]")).getText());
    assertThat(error).startsWith("poolMax: must be a whole number from 1 to 100000");
  }
}
