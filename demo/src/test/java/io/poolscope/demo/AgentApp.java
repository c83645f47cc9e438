package io.poolscope.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** An application JVM with the real agent, as the end-to-end ITs start it, and their API reads. */
final class AgentApp {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AgentApp() {}

  /**
   * The command line: this JVM's java, the agent jar with {@code agentOptions}, the demo jar (its
   * pools and drivers) and the test classes, running {@code main}.
   */
  static List<String> command(Path agentJar, String agentOptions, Class<?> main) throws Exception {
    String testClasses =
        Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    String demoClasspath =
        System.getProperty("poolscope.demo.classpath", "target/poolscope-demo.jar");
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m",
        "-XX:TieredStopAtLevel=1",
        "-javaagent:" + agentJar.toAbsolutePath() + "=" + agentOptions,
        "-cp",
        demoClasspath + File.pathSeparator + testClasses,
        main.getName());
  }

  /** GET {@code url} as JSON; anything but 200 is an error naming the answer. */
  static JsonNode get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + " -> " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
