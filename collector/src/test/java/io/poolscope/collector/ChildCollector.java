package io.poolscope.collector;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Collector.main} in a child JVM on the test classpath, with everything it prints kept, so a
 * test can kill it with SIGKILL or read its log.
 */
final class ChildCollector implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+)");

  final Process process;
  final int port;
  private final StringBuffer output;

  private ChildCollector(Process process, int port, StringBuffer output) {
    this.process = process;
    this.port = port;
    this.output = output;
  }

  /** Starts one with {@code --config config} and waits for its listening line. */
  static ChildCollector start(Path config) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp",
                System.getProperty("java.class.path"),
                Collector.class.getName(),
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    StringBuffer output = new StringBuffer();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  output.append(line).append('\n');
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (IOException e) {
                // The child was killed.
              }
              port.completeExceptionally(new IllegalStateException("collector exited"));
            },
            "collector-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new ChildCollector(p, port.get(60, TimeUnit.SECONDS), output);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new AssertionError("collector did not start: " + output, e);
    }
  }

  /** Everything the child printed so far (its log included). */
  String output() {
    return output.toString();
  }

  /** SIGKILL: no shutdown hook runs, the store is not closed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the shutdown hook closes the server and the store. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
