package io.poolscope.collector;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The long soak (RELIABILITY.md), not part of the test suite: a simulated fleet against an
 * in-process collector on an H2 file with short retentions, pods joining and vanishing all the
 * time; every minute it prints heap after GC, store size, requests and ingest errors, and at the
 * end it fails (exit 1) when, after a ten-minute warm-up, the second half's heap or store peak is
 * more than a quarter above the first half's, or when any request failed. Run with {@code
 * collector/soak.sh [minutes] [pods]} (default 30 and 300).
 */
public final class Soak {
  private Soak() {}

  public static void main(String[] args) throws Exception {
    int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int podCount = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    Path dir = Files.createTempDirectory("poolscope-soak");
    Collector c =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .exportInterval(Duration.ofSeconds(10))
                .fleetRetention(Duration.ofMinutes(2))
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .storeRetention(Duration.ofMinutes(5))
                .historyStep(Duration.ofSeconds(10))
                .build());
    HttpClient client = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + c.port();
    Random rnd = new Random(42);
    List<String> pods = new ArrayList<>();
    long nextId = 0;
    for (int i = 0; i < podCount; i++) {
      pods.add("soak-" + nextId++);
    }
    long errors = 0;
    long requests = 0;
    List<long[]> samples = new ArrayList<>(); // {heapBytes, storeBytes}
    long end = System.nanoTime() + minutes * 60_000_000_000L;
    long nextSample = System.nanoTime() + 60_000_000_000L;
    System.out.printf("soak: %d min, %d pods, store %s%n", minutes, podCount, dir);
    while (System.nanoTime() < end) {
      long roundStart = System.nanoTime();
      // A tenth of the fleet is replaced each round: rollouts, autoscaling, crashes.
      for (int i = 0; i < podCount / 10; i++) {
        pods.set(rnd.nextInt(pods.size()), "soak-" + nextId++);
      }
      for (String pod : pods) {
        String service = "svc-" + (pod.hashCode() & 7);
        Otlp.Pod p =
            Otlp.pod(service, pod)
                .pool("10.0.0." + (pod.hashCode() & 3) + ":5432/db", "main", 3, 2, 10, 0)
                .open("10.0.0." + (pod.hashCode() & 3) + ":5432/db", 5);
        requests++;
        errors += post(client, base + "/v1/metrics", p.request().toByteArray()) == 200 ? 0 : 1;
        if (rnd.nextInt(50) == 0) {
          requests++;
          byte[] leak =
              Otlp.leak(p, "10.0.0.1:5432/db", "main", "suspected", "com.example.Job.run")
                  .toByteArray();
          errors += post(client, base + "/v1/logs", leak) == 200 ? 0 : 1;
        }
      }
      if (System.nanoTime() >= nextSample) {
        nextSample += 60_000_000_000L;
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long store = size(dir);
        samples.add(new long[] {heap, store});
        System.out.printf(
            Locale.ROOT,
            "minute %3d: heap after GC %6.1f MB, store %6.1f MB, requests %d, errors %d%n",
            samples.size(),
            heap / 1e6,
            store / 1e6,
            requests,
            errors);
      }
      // One export interval per round, as the agents do.
      long sleep = 10_000 - (System.nanoTime() - roundStart) / 1_000_000;
      if (sleep > 0) {
        Thread.sleep(sleep);
      }
    }
    c.close();
    boolean flat = flat(samples, 0) && flat(samples, 1);
    System.out.println(flat ? "soak: heap and store flat" : "soak: GROWTH beyond bound");
    System.exit(flat && errors == 0 ? 0 : 1);
  }

  /**
   * After a warm-up of ten minutes (the store fills its 5-minute retention window and the first
   * purges run), the second half's peak is at most a quarter above the first half's.
   */
  static boolean flat(List<long[]> samples, int i) {
    List<long[]> steady = samples.subList(Math.min(10, samples.size() / 2), samples.size());
    if (steady.size() < 4) {
      return true;
    }
    int half = steady.size() / 2;
    long first = steady.subList(0, half).stream().mapToLong(s -> s[i]).max().orElse(0);
    long second = steady.subList(half, steady.size()).stream().mapToLong(s -> s[i]).max().orElse(0);
    return second <= first * 1.25;
  }

  static int post(HttpClient client, String url, byte[] body) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/x-protobuf")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  static long size(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
