package io.poolscope.demo;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Starts the whole demo (collector, PostgreSQL, the fleet), stops it and returns from {@code main}:
 * the JVM must then end by itself, with no thread of the demo's parts keeping it alive. Ten seconds
 * later a daemon thread prints the threads still keeping it, for the test's message.
 */
public final class StartStopMain {
  private StartStopMain() {}

  /**
   * Runs the demo's start and close.
   *
   * @param args the demo's options
   * @throws Exception when a part of the demo cannot start
   */
  public static void main(String[] args) throws Exception {
    try (Demo demo = new Demo(DemoSettings.parse(args), System.out)) {
      demo.start();
      // A dashboard's event stream is open while the demo stops (it once ran on a pool of
      // non-daemon threads that outlived the collector by a minute).
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<InputStream> events =
          http.send(
              HttpRequest.newBuilder(demo.collectorUrl().resolve("/api/events"))
                  .header("Accept", "text/event-stream")
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      int first = events.body().read();
      System.out.println("StartStopMain: event stream " + events.statusCode() + " " + first);
      http.send(
          HttpRequest.newBuilder(demo.collectorUrl().resolve("/metrics")).build(),
          HttpResponse.BodyHandlers.discarding());
    }
    System.out.println("StartStopMain: closed");
    System.out.flush();
    Thread report =
        new Thread(
            () -> {
              try {
                Thread.sleep(10_000);
              } catch (InterruptedException e) {
                return;
              }
              Thread.getAllStackTraces()
                  .forEach(
                      (t, stack) -> {
                        if (!t.isDaemon() && t.isAlive()) {
                          System.out.println("StartStopMain: still running: " + t.getName());
                        }
                      });
              System.out.flush();
            },
            "start-stop-report");
    report.setDaemon(true);
    report.start();
  }
}
